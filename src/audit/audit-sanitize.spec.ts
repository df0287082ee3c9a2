import { describe, expect, it } from 'vitest';
import { draftOf, isSecretKey, REDACTED, scrubDetails, storableText } from './audit-sanitize.js';

describe('audit sanitising', () => {
  it.each([
    ['password', true],
    ['currentPassword', true],
    ['new_password', true],
    ['passwordHash', true],
    ['apiToken', true],
    ['accessToken', true],
    ['token_id', true],
    ['tokenId', true],
    ['jti', true],
    ['Authorization', true],
    ['client_secret', true],
    ['Cookie', true],
    ['x-api-key', true],
    ['apiTokenTtlDays', false],
    ['apiTokenExpiresAt', false],
    ['tokenStatus', false],
    ['previousTokenValidUntil', false],
    ['previousTokenLastUsedAt', false],
    ['role', false],
    ['email', false],
    ['sessionId', false],
  ])('treats %s as secret: %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it('redacts secrets at any depth but keeps flags and token metadata', () => {
    expect(
      scrubDetails({
        password: 'x',
        mustChangePassword: false,
        tokenRevoked: true,
        list: [{ hash: 'h' }, 'Bearer abc.def'],
        apiTokenTtlDays: { before: 30, after: -1 },
      }),
    ).toEqual({
      password: REDACTED,
      mustChangePassword: false,
      tokenRevoked: true,
      list: [{ hash: REDACTED }, REDACTED],
      apiTokenTtlDays: { before: 30, after: -1 },
    });
  });

  it('turns any value into plain JSON, as jsonb will give it back', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const out = scrubDetails({
      d: new Date('2026-01-01T00:00:00Z'),
      bad: new Date('nope'),
      n: 10n,
      inf: Infinity,
      fn: () => 1,
      set: new Set(['a']),
      cyclic,
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    expect(out).toMatchObject({ d: '2026-01-01T00:00:00.000Z', bad: null, n: '10', inf: null, set: ['a'] });
    expect(out).not.toHaveProperty('fn');
    expect(JSON.stringify(out)).toContain('[truncated]');
    expect(scrubDetails(['x'])).toEqual({ value: ['x'] });
    expect(scrubDetails(undefined)).toEqual({});
  });

  it('keeps a "__proto__" key as data', () => {
    const out = scrubDetails(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('makes text storable: no NUL, no lone surrogate', () => {
    expect(storableText('a\u0000b\ud800c\udc00')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(storableText('😀')).toBe('😀');
  });

  it('cuts free text to the column sizes without splitting a character', () => {
    const draft = draftOf({
      action: 'auth.login_failed',
      actor: { id: 2 ** 40, username: 'u'.repeat(127) + '😀' },
      client: { ip: '1.2.3.4', userAgent: 'x'.repeat(1000) },
      outcome: 'failure',
    });
    expect(draft.actorId).toBeNull();
    expect(draft.actorUsername).toBe('u'.repeat(127) + '\uFFFD');
    expect(draft.userAgent).toHaveLength(512);
    expect(draft.targetType).toBeNull();
  });
});
