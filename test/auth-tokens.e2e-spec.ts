import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/tokens/token.service.js';
import { IAM_OPTIONS, type IamOptions } from '../src/config/iam-options.js';
import { changePassword, decodeJwt, login, me } from './support/auth.js';
import { apiUserWithToken, bearer, createUserRow, sessionTokenFor, useTestApp } from './support/harness.js';
import { jwtPart, signJwt } from './support/jwt.js';
import { createRoleRow } from './support/roles.js';
import { expectError } from './support/users.js';

const PASSWORD = 'Test-Passw0rd!';

describe('token verification', () => {
  const t = useTestApp();
  let options: IamOptions;
  let secret: Buffer;
  let userId: number;
  let goodToken: string;
  let goodPayload: Record<string, unknown>;

  beforeAll(async () => {
    options = t.app.get(IAM_OPTIONS);
    secret = options.jwt.secret.export();
    const user = await createUserRow(t);
    userId = user.id;
    goodToken = await login(t, user.username, PASSWORD);
    goodPayload = decodeJwt(goodToken).payload;
  });

  const expect401 = async (token: string, code = 'UNAUTHENTICATED') => {
    const res = await me(t, token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(code);
    expect(res.body.message).not.toMatch(/signature|jwt|secret/i);
  };

  it('accepts the token as issued', async () => {
    await me(t, goodToken).expect(200);
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = goodToken.split('.');
    await expect401(`${h}.${jwtPart({ ...goodPayload, sub: '1' })}.${s}`);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg "%s", signed or not', async (alg) => {
    const header = jwtPart({ alg, typ: 'JWT' });
    const payload = jwtPart(goodPayload);
    await expect401(`${header}.${payload}.`);
    await expect401(`${header}.${payload}`);
    await expect401(signJwt({ alg, typ: 'JWT' }, goodPayload, secret));
  });

  it('refuses other algorithms, even signed with the key', async () => {
    await expect401(signJwt({ alg: 'HS512', typ: 'JWT' }, goodPayload, secret));
    await expect401(jwt.sign(goodPayload, secret, { algorithm: 'HS384', noTimestamp: true }));
  });

  it('refuses an empty signature', async () => {
    const [h, p] = goodToken.split('.');
    await expect401(`${h}.${p}.`);
  });

  it('refuses a token signed with another secret', async () => {
    await expect401(
      signJwt({ alg: 'HS256', typ: 'JWT' }, goodPayload, 'another-secret-of-at-least-32-chars!!'),
    );
  });

  it('refuses a wrong audience or issuer, and none at all', async () => {
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, { ...goodPayload, aud: 'someone-else' }, secret));
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, { ...goodPayload, iss: 'someone-else' }, secret));
    const { aud: _aud, ...noAud } = goodPayload;
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, noAud, secret));
  });

  it('refuses a token whose typ is not session or api, or whose claims belong to the other type', async () => {
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, { ...goodPayload, typ: 'refresh' }, secret));
    const { typ: _typ, ...noTyp } = goodPayload;
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, noTyp, secret));
    // A session token presented as an API token: typ api with a sid and no jti.
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, { ...goodPayload, typ: 'api' }, secret));
  });

  it('never accepts an API token id as a session, or a session id as an API token', async () => {
    const role = await createRoleRow(t, ['api_access', 'health_monitor_data']);
    const { user, token, tokenId } = await apiUserWithToken(t, { role: role.name });
    await me(t, token).expect(200);
    const { payload } = decodeJwt(token);
    // Same ids, other type: refused by structure or by state.
    const { jti: _jti, ...rest } = payload;
    await expect401(
      signJwt(
        { alg: 'HS256', typ: 'JWT' },
        { ...rest, typ: 'session', sid: tokenId, exp: (payload.exp as number) ?? 0 },
        secret,
      ),
      'TOKEN_REVOKED',
    );
    const { sid, ...sessionRest } = goodPayload;
    await expect401(
      signJwt(
        { alg: 'HS256', typ: 'JWT' },
        { ...sessionRest, typ: 'api', jti: sid, sub: String(userId) },
        secret,
      ),
      'TOKEN_REVOKED',
    );
    // And a session token for the API user is never honoured.
    const sessionForApiUser = await sessionTokenFor(t, user.id);
    await expect401(sessionForApiUser, 'TOKEN_REVOKED');
  });

  it('refuses key-pointing header parameters (jku, jwk, x5u, kid)', async () => {
    for (const extra of [
      { jku: 'https://attacker.example/keys' },
      { jwk: { kty: 'oct', k: 'AAAA' } },
      { x5u: 'https://attacker.example/cert' },
      { kid: '../../dev/null' },
    ]) {
      await expect401(signJwt({ alg: 'HS256', typ: 'JWT', ...extra }, goodPayload, secret));
    }
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401(
      signJwt({ alg: 'HS256', typ: 'JWT' }, { ...goodPayload, iat: now - 7200, exp: now - 3600 }, secret),
      'TOKEN_EXPIRED',
    );
    const short = await sessionTokenFor(t, userId, -60);
    await expect401(short, 'TOKEN_EXPIRED');
  });

  it('refuses a session token without exp', async () => {
    const { exp: _exp, ...noExp } = goodPayload;
    await expect401(signJwt({ alg: 'HS256', typ: 'JWT' }, noExp, secret));
  });

  it('refuses a well-signed token for a session that does not exist', async () => {
    const forged = t.app.get(TokenService).signSession(userId, randomUUID(), new Date(Date.now() + 3600_000));
    await expect401(forged, 'TOKEN_REVOKED');
  });

  it('reads the token from the Authorization header only', async () => {
    const query = await t.http().get(`/auth/api/me?access_token=${goodToken}`);
    expect(query.status).toBe(401);
    expect(query.body.code).toBe('UNAUTHENTICATED');
    const cookie = await t.http().get('/auth/api/me').set('Cookie', `access_token=${goodToken}`);
    expect(cookie.status).toBe(401);
    expect(cookie.body.code).toBe('UNAUTHENTICATED');
    const basic = await t.http().get('/auth/api/me').set('Authorization', `Basic ${goodToken}`);
    expect(basic.status).toBe(401);
    expect(basic.body.code).toBe('UNAUTHENTICATED');
    await t.http().get('/auth/api/me').set(bearer(goodToken)).expect(200);
  });

  it('uses the configured key as a KeyObject', () => {
    expect(options.jwt.secret.type).toBe('secret');
    expect(createSecretKey(secret).equals(options.jwt.secret)).toBe(true);
  });
});

describe('API tokens', () => {
  const t = useTestApp();

  it('carry typ api and a jti, and no exp when the token never expires', async () => {
    const role = await createRoleRow(t, ['api_access']);
    const { token, tokenId } = await apiUserWithToken(t, { role: role.name, expiresAt: null });
    const { payload } = decodeJwt(token);
    expect(payload).toMatchObject({ typ: 'api', jti: tokenId });
    expect(payload.exp).toBeUndefined();
    expect(payload.sid).toBeUndefined();
    const res = await me(t, token).expect(200);
    expect(res.body.session).toBeNull();
    expect(res.body.user.apiTokenStatus).toBe('never');
    expect(res.body.permissions).toEqual(['api_access']);
  });

  it('cannot log out or use the session routes: 403 SESSION_REQUIRED', async () => {
    const role = await createRoleRow(t, ['api_access', 'manage_users']);
    const { token } = await apiUserWithToken(t, { role: role.name });
    for (const [method, path] of [
      ['post', '/auth/api/logout'],
      ['get', '/auth/api/me/sessions'],
      ['delete', `/auth/api/me/sessions/${randomUUID()}`],
    ] as const) {
      expectError(await t.http()[method](path).set(bearer(token)), 403, 'SESSION_REQUIRED', path);
    }
    const pw = await changePassword(t, token, { currentPassword: 'x', newPassword: 'Brand-New-Passw0rd' });
    expectError(pw, 403, 'SESSION_REQUIRED');
  });

  it('need api_access on every request', async () => {
    const role = await createRoleRow(t, ['health_monitor_data']);
    const { token } = await apiUserWithToken(t, { role: role.name });
    const res = await me(t, token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('API_ACCESS_REQUIRED');
  });

  it('fail once expired, or once replaced by another token id', async () => {
    const role = await createRoleRow(t, ['api_access']);
    const { user, token } = await apiUserWithToken(t, { role: role.name });
    await me(t, token).expect(200);
    const { UserEntity } = await import('../src/users/user.entity.js');
    const { SessionsService } = await import('../src/sessions/sessions.service.js');
    await t.dataSource.getRepository(UserEntity).update(user.id, { apiTokenId: randomUUID() });
    await t.app.get(SessionsService).evictUser(user.id);
    const replaced = await me(t, token);
    expect(replaced.status).toBe(401);
    expect(replaced.body.code).toBe('TOKEN_REVOKED');

    const expired = await apiUserWithToken(t, { role: role.name, expiresAt: new Date(Date.now() - 1000) });
    const res = await me(t, expired.token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
  });
});
