import { describe, expect, it } from 'vitest';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { canonicalJson, checkpointMac, entryHash, GENESIS_HASH, legacyEntryHash } from './audit-hash.js';
import { deriveAuditKey } from '../config/audit-key.js';

const SECRET = 'an audit key of at least 32 characters, as a passphrase';
const key = deriveAuditKey(SECRET);

const entry = {
  at: new Date('2026-01-01T00:00:00.123Z'),
  actorId: 1,
  actorUsername: 'admin',
  action: 'role.updated',
  targetType: 'role',
  targetId: 'viewer',
  targetLabel: 'Viewer',
  ip: '::1',
  userAgent: 'ua',
  outcome: 'success',
  details: { b: [2, { d: 1, c: 2 }], a: 1 },
};

describe('audit hash', () => {
  it('sorts keys at every level, so storage order does not matter', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 2 }], a: 1 })).toBe('{"a":1,"b":[2,{"c":2,"d":1}]}');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('depends on every field and on the previous hash', () => {
    const base = entryHash(key, GENESIS_HASH, entry);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(key, GENESIS_HASH, { ...entry, details: { a: 1, b: [2, { c: 2, d: 1 }] } })).toBe(base);
    expect(entryHash(key, 'f'.repeat(64), entry)).not.toBe(base);
    for (const [k, v] of Object.entries({
      actorUsername: 'eve',
      outcome: 'failure',
      ip: null,
      targetId: 'x',
    })) {
      expect(entryHash(key, GENESIS_HASH, { ...entry, [k]: v })).not.toBe(base);
    }
    expect(entryHash(key, GENESIS_HASH, { ...entry, at: new Date('2026-01-01T00:00:00.124Z') })).not.toBe(
      base,
    );
  });
});

describe('audit hash content', () => {
  it('is the canonical JSON of the whole entry', async () => {
    const content = canonicalJson({ ...entry, at: entry.at.toISOString() });
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${content}`).digest('hex');
    expect(legacyEntryHash(GENESIS_HASH, entry)).toBe(expected);
    const nulls = {
      ...entry,
      actorId: null,
      actorUsername: null,
      ip: null,
      targetType: null,
      targetId: null,
      targetLabel: null,
      userAgent: null,
    };
    const content2 = canonicalJson({ ...nulls, at: entry.at.toISOString() });
    expect(legacyEntryHash(GENESIS_HASH, nulls)).toBe(
      createHash('sha256').update(`${GENESIS_HASH}\n${content2}`).digest('hex'),
    );
  });
});

describe('keyed audit hash', () => {
  it('is HMAC-SHA256 under the HKDF-SHA-256 key derived from AUDIT_HMAC_KEY', () => {
    const derived = Buffer.from(
      hkdfSync('sha256', Buffer.from(SECRET), 'champa-iam', 'audit-chain hmac-sha256 v1', 32),
    );
    const content = canonicalJson({ ...entry, at: entry.at.toISOString() });
    const expected = createHmac('sha256', derived).update(`${GENESIS_HASH}\n${content}`).digest('hex');
    expect(entryHash(key, GENESIS_HASH, entry)).toBe(expected);
  });

  it('differs without the key, and under another key', () => {
    const keyed = entryHash(key, GENESIS_HASH, entry);
    expect(legacyEntryHash(GENESIS_HASH, entry)).not.toBe(keyed);
    expect(entryHash(deriveAuditKey(`${SECRET}!`), GENESIS_HASH, entry)).not.toBe(keyed);
    expect(entryHash(deriveAuditKey(SECRET), GENESIS_HASH, entry)).toBe(keyed);
  });

  it('seals a checkpoint over every field', () => {
    const cp = { throughId: '7', throughAt: entry.at, throughHash: 'a'.repeat(64), count: '7' };
    const mac = checkpointMac(key, cp);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(checkpointMac(key, { ...cp, throughId: '8' })).not.toBe(mac);
    expect(checkpointMac(key, { ...cp, throughHash: 'b'.repeat(64) })).not.toBe(mac);
    expect(checkpointMac(deriveAuditKey(`${SECRET}!`), cp)).not.toBe(mac);
  });
});
