import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, GENESIS_HASH } from './audit-hash.js';

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
    const base = entryHash(GENESIS_HASH, entry);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...entry, details: { a: 1, b: [2, { c: 2, d: 1 }] } })).toBe(base);
    expect(entryHash('f'.repeat(64), entry)).not.toBe(base);
    for (const [k, v] of Object.entries({
      actorUsername: 'eve',
      outcome: 'failure',
      ip: null,
      targetId: 'x',
    })) {
      expect(entryHash(GENESIS_HASH, { ...entry, [k]: v })).not.toBe(base);
    }
    expect(entryHash(GENESIS_HASH, { ...entry, at: new Date('2026-01-01T00:00:00.124Z') })).not.toBe(base);
  });
});

describe('audit hash content', () => {
  it('is the canonical JSON of the whole entry', async () => {
    const { createHash } = await import('node:crypto');
    const content = canonicalJson({ ...entry, at: entry.at.toISOString() });
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${content}`).digest('hex');
    expect(entryHash(GENESIS_HASH, entry)).toBe(expected);
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
    expect(entryHash(GENESIS_HASH, nulls)).toBe(
      createHash('sha256').update(`${GENESIS_HASH}\n${content2}`).digest('hex'),
    );
  });
});
