import { createSecretKey } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signJwt } from '../../test/support/jwt.js';
import type { IamOptions } from '../config/iam-options.js';
import type { AuthStateService } from './auth-state.service.js';
import { JwtStrategy, parseClaims } from './jwt.strategy.js';

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

describe('JwtStrategy: a token verified before', () => {
  const secret = 'a-secret-of-thirty-two-bytes-at-least!';
  const options = { jwt: { secret: createSecretKey(Buffer.from(secret)), issuer: 'i', audience: 'a' } };
  const resolve = vi.fn(async (claims: { sub: string }) => ({ userId: Number(claims.sub) }));
  const strategy = new JwtStrategy(
    options as unknown as IamOptions,
    { resolve } as unknown as AuthStateService,
  );
  const verifier = vi.spyOn(Strategy as unknown as { JwtVerifier: () => void }, 'JwtVerifier');
  afterEach(() => vi.useRealTimers());

  /** One request through the strategy as passport runs it: a copy with the outcome callbacks. */
  const authenticate = (token: string) =>
    new Promise<{ ok?: unknown; failed?: unknown }>((done) => {
      const run = Object.assign(Object.create(strategy) as JwtStrategy, {
        success: (user: unknown) => done({ ok: user }),
        fail: (info: unknown) => done({ failed: info }),
        error: (err: unknown) => done({ failed: err }),
      });
      run.authenticate({ headers: { authorization: `Bearer ${token}` } } as never);
    });
  const tokenFor = (sub: string, exp: number) =>
    signJwt(header, { ...session, sub, exp, iat: exp - 60 }, secret);

  it('is not verified again, while who the caller is is read every time', async () => {
    const token = tokenFor('7', Math.floor(Date.now() / 1000) + 60);
    verifier.mockClear();
    resolve.mockClear();
    expect(await authenticate(token)).toEqual({ ok: { userId: 7 } });
    expect(await authenticate(token)).toEqual({ ok: { userId: 7 } });
    expect(verifier).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('is refused as expired once its exp has come', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = tokenFor('8', exp);
    expect(await authenticate(token)).toEqual({ ok: { userId: 8 } });
    vi.useFakeTimers({ toFake: ['Date'], now: exp * 1000 });
    const outcome = await authenticate(token);
    expect((outcome.failed as Error).name).toBe('TokenExpiredError');
  });

  it('does not vouch for any other text: a changed signature is verified, and refused', async () => {
    const token = tokenFor('9', Math.floor(Date.now() / 1000) + 60);
    expect(await authenticate(token)).toEqual({ ok: { userId: 9 } });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const outcome = await authenticate(token.slice(0, -1) + last);
    expect((outcome.failed as Error).name).toBe('JsonWebTokenError');
  });

  it('names the caller of a known token without passport, and of no other', async () => {
    const token = tokenFor('10', Math.floor(Date.now() / 1000) + 60);
    const request = (text: string) => ({ headers: { authorization: `Bearer ${text}` } }) as never;
    expect(strategy.knownCaller(request(token))).toBeUndefined();
    expect(await authenticate(token)).toEqual({ ok: { userId: 10 } });
    verifier.mockClear();
    expect(await strategy.knownCaller(request(token))).toEqual({ userId: 10 });
    expect(
      strategy.knownCaller(request(token.slice(0, -1) + (token.at(-1) === 'A' ? 'B' : 'A'))),
    ).toBeUndefined();
    expect(strategy.knownCaller({ headers: {} } as never)).toBeUndefined();
    expect(verifier).not.toHaveBeenCalled();
  });

  it('knows a token by its whole text, not by its signature alone', async () => {
    const token = tokenFor('13', Math.floor(Date.now() / 1000) + 60);
    expect(await authenticate(token)).toEqual({ ok: { userId: 13 } });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '1' })).toString('base64url');
    const request = { headers: { authorization: `Bearer ${header}.${forged}.${signature}` } } as never;
    expect(strategy.knownCaller(request)).toBeUndefined();
    const outcome = await authenticate(`${header}.${forged}.${signature}`);
    expect((outcome.failed as Error).name).toBe('JsonWebTokenError');
    expect(await strategy.knownCaller({ headers: { authorization: `Bearer ${token}` } } as never)).toEqual({
      userId: 13,
    });
  });

  it('hands the auth state the same claims object on every request with the same token', async () => {
    const token = tokenFor('11', Math.floor(Date.now() / 1000) + 60);
    await authenticate(token);
    resolve.mockClear();
    await strategy.knownCaller({ headers: { authorization: `Bearer ${token}` } } as never);
    await strategy.knownCaller({ headers: { authorization: `Bearer ${token}` } } as never);
    expect(resolve.mock.calls[0]![0]).toBe(resolve.mock.calls[1]![0]);
    expect(resolve.mock.calls[0]![0]).toMatchObject({ sub: '11', typ: 'session' });
  });

  it('reads the bearer header as passport-jwt does, in every spelling', async () => {
    const token = tokenFor('12', Math.floor(Date.now() / 1000) + 60);
    await authenticate(token);
    const known = (authorization: unknown) => strategy.knownCaller({ headers: { authorization } } as never);
    for (const header of [
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER   ${token}`,
      `Bearer ${token} trailing`,
    ]) {
      expect(await known(header)).toEqual({ userId: 12 });
    }
    for (const header of [`Basic ${token}`, `Bearer`, `Bearer `, token, ['Bearer', token], undefined]) {
      expect(known(header)).toBeUndefined();
    }
  });
});
