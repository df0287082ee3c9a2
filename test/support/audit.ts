import { type KeyObject, randomBytes } from 'node:crypto';
import { entryHash, GENESIS_HASH } from '../../src/audit/audit-hash.js';
import { AuditService } from '../../src/audit/audit.service.js';
import type { AuditEntryInput } from '../../src/audit/audit.types.js';
import { IAM_OPTIONS, type IamOptions } from '../../src/config/iam-options.js';
import { bearer, type TestApp, useAdmin, type UserSeed, userWithToken } from './harness.js';

export const AUDIT_PATH = '/auth/api/audit';

export const VERIFY_PATH = `${AUDIT_PATH}/verify`;

/** GET /audit/verify as `token`'s holder, against `expectHead` if given; fails unless 200; answers the report. */
export async function verifyChain(t: TestApp, token: string, expectHead?: string) {
  const req = t.http().get(VERIFY_PATH).set(bearer(token));
  return (await (expectHead === undefined ? req : req.query({ expectHead })).expect(200)).body;
}

/** verifyChain() as the seeded administrator, for the tests of the enclosing describe. */
export function useChainCheck(t: TestApp): (expectHead?: string) => ReturnType<typeof verifyChain> {
  const admin = useAdmin(t);
  return (expectHead) => verifyChain(t, admin.token, expectHead);
}

/** A user holding exactly `permissions` (through a fresh custom role) and a session token. */
export async function auditCaller(
  t: TestApp,
  permissions: string[] = ['audit_log_data'],
  seed: Omit<UserSeed, 'role'> = {},
) {
  const role = `audit_${randomBytes(4).toString('hex')}`;
  await t.dataSource.query(
    `INSERT INTO roles (name, display_name, description, permissions, is_system) VALUES ($1, $2, '', $3, false)`,
    [role, `Role ${role}`, permissions],
  );
  return userWithToken(t, { ...seed, role });
}

export function audit(t: TestApp): AuditService {
  return t.app.get(AuditService);
}

/** The key the app hashes its chain with. */
export function chainKey(t: TestApp): KeyObject {
  return t.app.get<symbol, IamOptions>(IAM_OPTIONS).auditHmacKey;
}

/** Records entries one after another, each in a transaction of its own. */
export async function recordAll(t: TestApp, inputs: AuditEntryInput[]): Promise<void> {
  for (const input of inputs) await audit(t).record(input);
}

export interface RawAuditRow {
  id: string;
  at: Date;
  actor_id: number | null;
  actor_username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: string;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** Every entry, oldest first, after the detached ones are written. */
export async function auditRows(t: TestApp, where = 'true', params: unknown[] = []): Promise<RawAuditRow[]> {
  await t.flushAudit();
  return t.dataSource.query(`SELECT * FROM audit_events WHERE ${where} ORDER BY id`, params);
}

/** The table's whole text, for "no secret anywhere" checks. */
export async function auditTableText(t: TestApp): Promise<string> {
  await t.flushAudit();
  const rows: { text: string }[] = await t.dataSource.query(
    `SELECT coalesce(string_agg(e::text, E'\\n' ORDER BY id), '') AS text FROM audit_events e`,
  );
  return rows[0].text;
}

/** Runs SQL on the table the way an intruder with database access would: past the append-only trigger. */
export async function tamper(t: TestApp, sql: string, params: unknown[] = []): Promise<void> {
  await t.dataSource.transaction(async (m) => {
    await m.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await m.query(sql, params);
    await m.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
  });
}

/** Empties the log (and its checkpoints), so a test starts a chain from the genesis. */
export async function clearAudit(t: TestApp): Promise<void> {
  await t.flushAudit();
  await tamper(t, 'DELETE FROM audit_events');
  await t.dataSource.query('DELETE FROM audit_checkpoints');
}

/**
 * Writes a valid chain of entries at the given past times straight into the
 * table (the service always stamps the present), linked to the current tail.
 */
export async function seedPastEntries(
  t: TestApp,
  times: Date[],
  action = 'test.past',
  hashOf: (prev: string, e: Parameters<typeof entryHash>[2]) => string = (prev, e) =>
    entryHash(chainKey(t), prev, e),
): Promise<void> {
  await t.dataSource.transaction(async (m) => {
    const [tail] = await m.query('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1');
    let prev: string = tail?.hash ?? GENESIS_HASH;
    for (const at of times) {
      const e = {
        at,
        actorId: null,
        actorUsername: 'seed',
        action,
        targetType: null,
        targetId: null,
        targetLabel: null,
        ip: null,
        userAgent: null,
        outcome: 'success',
        details: {},
      };
      const hash = hashOf(prev, e);
      await m.query(
        `INSERT INTO audit_events (at, actor_username, action, outcome, details, prev_hash, hash)
         VALUES ($1, 'seed', $2, 'success', '{}'::jsonb, $3, $4)`,
        [at.toISOString(), action, prev, hash],
      );
      prev = hash;
    }
  });
}

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), for the export tests. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r')
        throw new Error(`bad character after quote at ${i}`);
      continue;
    }
    if (c === ',') {
      endField();
      i++;
      continue;
    }
    if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      endField();
      records.push(record);
      record = [];
      i += 2;
      continue;
    }
    if (c === '\n' || c === '"') throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
    field += c;
    i++;
  }
  if (field !== '' || record.length > 0) throw new Error('last record not ended by CRLF');
  return records;
}

/** A CSV cell read back: the apostrophe put before formula-like text removed. */
export function unescapeCell(cell: string): string {
  return /^'[=+\-@\t\r']/.test(cell) ? cell.slice(1) : cell;
}
