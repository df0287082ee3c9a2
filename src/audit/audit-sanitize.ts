import type { AuditEntryInput } from './audit.types.js';

/** An entry as it will be stored, before the chain gives it a time and hashes. */
export interface AuditDraft {
  actorId: number | null;
  actorUsername: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The audit_events column sizes (varchar(n) counts characters). */
export const AUDIT_COLUMN_LENGTH = {
  actorUsername: 128,
  action: 64,
  targetType: 32,
  targetId: 128,
  targetLabel: 256,
  ip: 64,
  userAgent: 512,
  outcome: 16,
} as const;

export const REDACTED = '[redacted]';

const MAX_DEPTH = 6;
const MAX_KEYS = 100;
const MAX_ITEMS = 100;
const MAX_DETAIL_STRING = 2000;

// Keys that name a credential; compared after lower-casing and dropping everything but letters and digits.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'hash',
  'authorization',
  'cookie',
  'credential',
  'apikey',
  'privatekey',
  'salt',
  'totp',
  'otpauth',
  'recoverycode',
  'mfacode',
];
const SECRET_KEYS = new Set(['pass', 'pwd', 'jti', 'otp']);
// Facts about a token that are not the token: "apiTokenTtlDays", "apiTokenExpiresAt" and
// "previousTokenValidUntil" stay readable.
const TOKEN_METADATA_SUFFIX = /token(ttldays|ttl|expiresat|expiry|status|validuntil|lastusedat)$/;

// Values shaped like a credential, whatever key they sit under.
const SECRET_VALUES = [
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, // a JWT
  /\$argon2(?:id|i|d)\$[^\s"']+/g, // an argon2 PHC hash
  /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, // a bcrypt hash
  /\bBearer\s+[^\s"']+/gi,
  /\botpauth:\/\/[^\s"']+/gi, // a TOTP enrolment URI, which carries the secret
];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_KEYS.has(k)) return true;
  if (SECRET_KEY_PARTS.some((part) => k.includes(part))) return true;
  return k.includes('token') && !TOKEN_METADATA_SUFFIX.test(k);
}

/**
 * Text PostgreSQL stores exactly as JavaScript hashed it: no NUL (text and
 * jsonb refuse it) and no lone surrogate (the driver would store U+FFFD and
 * the hash would no longer match).
 */
export function storableText(value: string): string {
  return wellFormed(value.replace(/\0/g, '\uFFFD'));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

function redactValues(value: string): string {
  let out = value;
  for (const pattern of SECRET_VALUES) out = out.replace(pattern, REDACTED);
  return out;
}

/** Free text (user agents, usernames typed at login) stored as data: cleaned, redacted, cut to the column. */
export function textField(value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  const text = redactValues(storableText(String(value)));
  return text.length > max ? wellFormed(text.slice(0, max)) : text;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string': {
      const text = redactValues(storableText(value));
      return text.length > MAX_DETAIL_STRING ? `${wellFormed(text.slice(0, MAX_DETAIL_STRING))}…` : text;
    }
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => scrubValue(v, depth + 1));
  if (value instanceof Set) return scrubValue([...value], depth);
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return scrubValue(toJSON.call(value), depth);
  return scrubObject(value as Record<string, unknown>, depth);
}

function scrubObject(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  // No prototype: a "__proto__" key from parsed JSON stays an ordinary key.
  const out = Object.create(null) as Record<string, unknown>;
  let kept = 0;
  for (const [rawKey, v] of Object.entries(obj)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (kept++ >= MAX_KEYS) break;
    const key = storableText(rawKey).slice(0, 100);
    // A flag such as mustChangePassword says nothing secret; any other value under a telling key goes.
    const harmless = v === null || typeof v === 'boolean';
    out[key] = isSecretKey(key) && !harmless ? REDACTED : scrubValue(v, depth + 1);
  }
  return out;
}

/**
 * Details as they will be stored and hashed: plain JSON, no credential under
 * a telling key or in a telling shape, bounded in depth and size. What jsonb
 * gives back from this is what was hashed.
 */
export function scrubDetails(details: unknown): Record<string, unknown> {
  if (details === null || details === undefined) return {};
  const scrubbed = scrubValue(details, 0);
  if (scrubbed !== null && typeof scrubbed === 'object' && !Array.isArray(scrubbed)) {
    return scrubbed as Record<string, unknown>;
  }
  return { value: scrubbed };
}

function isInt4(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -2147483648 && (value as number) <= 2147483647;
}

/** A caller's input made safe to store: a careless caller cannot leak a secret or overflow a column. */
export function draftOf(input: AuditEntryInput): AuditDraft {
  const L = AUDIT_COLUMN_LENGTH;
  const actorId = input.actor?.id;
  return {
    actorId: isInt4(actorId) ? actorId : null,
    actorUsername: textField(input.actor?.username, L.actorUsername),
    action: textField(input.action, L.action) ?? '',
    targetType: textField(input.target?.type, L.targetType),
    targetId: textField(input.target?.id, L.targetId),
    targetLabel: textField(input.target?.label, L.targetLabel),
    ip: textField(input.client?.ip, L.ip),
    userAgent: textField(input.client?.userAgent, L.userAgent),
    outcome: textField(input.outcome, L.outcome) ?? '',
    details: scrubDetails(input.details),
  };
}
