import { describe, expect, it } from 'vitest';
import { parseClaims } from './jwt.strategy.js';

const SID = '0b7c2a1e-3c52-4a8e-9d3a-6f1f2b9c4d10';
const header = { alg: 'HS256', typ: 'JWT' };
const session = { sub: '42', sid: SID, typ: 'session', iss: 'i', aud: 'a', iat: 1, exp: 2 };
const api = { sub: '42', jti: SID, typ: 'api', iss: 'i', aud: 'a', iat: 1 };

const refused = (h: Record<string, unknown>, p: Record<string, unknown>) =>
  expect(() => parseClaims({ header: h, payload: p })).toThrow(
    expect.objectContaining({ code: 'UNAUTHENTICATED' }),
  );

describe('parseClaims', () => {
  it('accepts a session token and an API token, with or without exp', () => {
    expect(parseClaims({ header, payload: session })).toMatchObject({ typ: 'session', sid: SID });
    expect(parseClaims({ header, payload: api })).toMatchObject({ typ: 'api', jti: SID });
    expect(parseClaims({ header, payload: { ...api, exp: 9 } })).toMatchObject({ exp: 9 });
  });

  it('refuses any algorithm but HS256, whatever its case', () => {
    for (const alg of ['none', 'None', 'NONE', 'HS512', 'RS256', 'hs256', undefined]) {
      refused({ ...header, alg }, session);
    }
  });

  it('refuses headers that point at keys', () => {
    for (const extra of [
      { jku: 'x' },
      { jwk: {} },
      { x5u: 'x' },
      { x5c: [] },
      { kid: '1' },
      { crit: ['b64'] },
    ]) {
      refused({ ...header, ...extra }, session);
    }
  });

  it('never lets one token type pass for the other (RFC 8725 3.12)', () => {
    refused(header, { ...session, typ: 'api' });
    refused(header, { ...api, typ: 'session', exp: 2 });
    refused(header, { ...session, jti: SID });
    refused(header, { ...api, sid: SID });
    refused(header, { ...session, typ: 'refresh' });
    const { typ: _typ, ...untyped } = session;
    refused(header, untyped);
  });

  it('refuses malformed subjects, ids and a session without exp', () => {
    for (const sub of ['0', '-1', 'abc', '1e3', '12345678901', 42]) refused(header, { ...session, sub });
    refused(header, { ...session, sid: 'not-a-uuid' });
    refused(header, { ...api, jti: 'x' });
    const { exp: _exp, ...noExp } = session;
    refused(header, noExp);
    const { iat: _iat, ...noIat } = session;
    refused(header, noIat);
  });
});
