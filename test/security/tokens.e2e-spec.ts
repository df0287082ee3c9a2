import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_OPTIONS, type IamOptions } from '../../src/config/iam-options.js';
import { decodeJwt, login, me } from '../support/auth.js';
import { createUserRow, useTestApp } from '../support/harness.js';
import { apiCallerWith } from '../support/roles.js';
import { rawJwt, signJwt } from '../support/jwt.js';
import { type Recorder, startRecorder } from '../support/recorder.js';
import { SecretWatch } from '../support/secrets.js';
import { expectError, expectStatus } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const HS256 = { alg: 'HS256', typ: 'JWT' };

describe('security: tokens (ASVS V9, RFC 8725)', () => {
  const t = useTestApp();
  let secret: Buffer;
  let session: string;
  let claims: Record<string, unknown>;
  let api: string;
  let apiClaims: Record<string, unknown>;
  let keyServer: Recorder;
  const secrets = new SecretWatch();
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    keyServer = await startRecorder();
    secret = (t.app.get(IAM_OPTIONS) as IamOptions).jwt.secret.export();
    const user = await createUserRow(t);
    session = await login(t, user.username, PASSWORD);
    claims = decodeJwt(session).payload;
    api = (await apiCallerWith(t, ['api_access', 'health_monitor_data'])).token;
    apiClaims = decodeJwt(api).payload;
    secrets.add(session, api, PASSWORD);
  });
  afterAll(async () => {
    await keyServer?.close();
  });

  const refused = async (token: string, code = 'UNAUTHENTICATED') => {
    const res = await me(t, token);
    expectError(res, 401, code);
    expect(res.body.message).not.toMatch(/signature|secret|algorithm|jwt malformed|invalid token:/i);
  };

  /** RS256 over header and payload with the attacker's own private key. */
  const rs256 = (header: Record<string, unknown>, payload: Record<string, unknown>) => {
    const unsigned = rawJwt(header, payload).slice(0, -1);
    return `${unsigned}.${rsaSign('sha256', Buffer.from(unsigned), attacker.privateKey).toString('base64url')}`;
  };

  it('accepts the tokens as issued (the baseline of every refusal below)', async () => {
    expectStatus(await me(t, session), 200);
    expectStatus(await me(t, api), 200);
  });

  describe('V9.1.1 the signature is checked before anything in the token is used', () => {
    it('refuses a tampered payload under the original signature', async () => {
      const [h, , s] = session.split('.');
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      for (const change of [
        { sub: '1' },
        { exp: (claims.exp as number) + 86_400 },
        { typ: 'api' },
        { sid: undefined },
      ]) {
        await refused(`${h}.${b64({ ...claims, ...change })}.${s}`);
      }
    });

    it('refuses an empty signature, and a token without its signature part', async () => {
      const [h, p] = session.split('.');
      await refused(`${h}.${p}.`);
      await refused(`${h}.${p}`);
    });

    it.each([
      '',
      'secret',
      'changeme',
      'password',
      'champa-iam',
      'your-256-bit-secret',
      'jwt-secret',
      'secretkey',
    ])('refuses HS256 signed with the empty or common secret "%s"', async (guess) => {
      await refused(signJwt(HS256, claims, guess));
      await refused(signJwt(HS256, apiClaims, guess));
    });
  });

  describe('V9.1.2 only HS256 is accepted', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])(
      'refuses alg "%s", with or without a signature',
      async (alg) => {
        await refused(rawJwt({ alg, typ: 'JWT' }, claims));
        await refused(rawJwt({ alg, typ: 'JWT' }, claims).slice(0, -1));
        await refused(signJwt({ alg, typ: 'JWT' }, claims, secret));
      },
    );

    it('refuses an RS256 header: signed with an attacker key, or with the HMAC key (algorithm confusion)', async () => {
      await refused(rs256({ alg: 'RS256', typ: 'JWT' }, claims));
      await refused(signJwt({ alg: 'RS256', typ: 'JWT' }, claims, secret));
      const publicPem = attacker.publicKey.export({ type: 'spki', format: 'pem' });
      await refused(signJwt(HS256, claims, Buffer.from(publicPem)));
    });

    it.each(['HS384', 'HS512', 'ES256', 'PS256', 'EdDSA', 'hs256'])(
      'refuses alg %s even over the right key',
      async (alg) => {
        await refused(signJwt({ alg, typ: 'JWT' }, claims, secret));
      },
    );
  });

  describe('V9.1.3 keys come from the configuration only: key-pointing headers are refused and nothing is fetched', () => {
    it('refuses jku, x5u, jwk, x5c and kid, signed with the real key or the attacker key, without a request to the key server', async () => {
      const jwkOfAttacker = attacker.publicKey.export({ format: 'jwk' });
      const headers: Record<string, unknown>[] = [
        { jku: `${keyServer.url}/jwks.json` },
        { x5u: `${keyServer.url}/cert.pem` },
        { jwk: jwkOfAttacker },
        { jwk: { kty: 'oct', k: Buffer.from('secret').toString('base64url') } },
        { x5c: ['MIIBszCCAVmgAwIBAgIU'] },
        { kid: `${keyServer.url}/kid` },
        { kid: '../../../../dev/null' },
        { kid: "' UNION SELECT 'secret' --" },
      ];
      for (const extra of headers) {
        await refused(signJwt({ ...HS256, ...extra }, claims, secret));
        await refused(rs256({ alg: 'RS256', typ: 'JWT', ...extra }, claims));
        await refused(signJwt({ ...HS256, ...extra }, claims, 'secret'));
      }
      expect(keyServer.hits).toEqual([]);
    });
  });

  describe('V9.2.1 validity time span', () => {
    it('refuses an expired token (401 TOKEN_EXPIRED) and one not yet valid (nbf in the future)', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(signJwt(HS256, { ...claims, iat: now - 7200, exp: now - 10 }, secret), 'TOKEN_EXPIRED');
      await refused(signJwt(HS256, { ...claims, nbf: now + 3600 }, secret));
    });
  });

  describe('V9.2.2 a token is accepted only as its own type', () => {
    it('refuses a session token claiming typ api, and an API token claiming typ session', async () => {
      await refused(signJwt(HS256, { ...claims, typ: 'api' }, secret));
      await refused(signJwt(HS256, { ...apiClaims, typ: 'session' }, secret));
      const { sid, ...rest } = claims;
      await refused(signJwt(HS256, { ...rest, typ: 'api', jti: sid }, secret), 'TOKEN_REVOKED');
      const { jti, ...apiRest } = apiClaims;
      await refused(
        signJwt(
          HS256,
          { ...apiRest, typ: 'session', sid: jti, exp: Math.floor(Date.now() / 1000) + 600 },
          secret,
        ),
        'TOKEN_REVOKED',
      );
    });

    it('refuses an unknown or missing typ, and a malformed subject', async () => {
      for (const typ of ['refresh', 'id', 'JWT', '', undefined])
        await refused(signJwt(HS256, { ...claims, typ }, secret));
      for (const sub of [1, '0', '-1', '01', '1e3', 'admin', '99999999999', null]) {
        await refused(signJwt(HS256, { ...claims, sub }, secret));
      }
    });
  });

  describe('V9.2.3 a token is accepted only by its audience, from its issuer', () => {
    it('refuses a wrong or missing aud, and a wrong or missing iss', async () => {
      const { aud: _a, ...noAud } = claims;
      const { iss: _i, ...noIss } = claims;
      for (const payload of [
        { ...claims, aud: 'another-service' },
        { ...claims, iss: 'another-issuer' },
        noAud,
        noIss,
      ]) {
        await refused(signJwt(HS256, payload, secret));
      }
    });

    it('refuses a token signed by another instance’s key, with everything else right', async () => {
      await refused(
        jwt.sign(claims, 'another-deployment-secret-of-32-characters!', {
          algorithm: 'HS256',
          noTimestamp: true,
        }),
      );
    });
  });

  describe('V14.2.1 tokens travel in the Authorization header only', () => {
    it.each(['access_token', 'token', 'jwt', 'bearer', 'auth'])(
      'refuses ?%s= in the query string (401 UNAUTHENTICATED)',
      async (name) => {
        for (const token of [session, api]) {
          expectError(await t.http().get(`/auth/api/me?${name}=${token}`), 401, 'UNAUTHENTICATED');
          expectError(await t.http().get(`/auth/api/roles?${name}=${token}`), 401, 'UNAUTHENTICATED');
        }
      },
    );

    it('refuses a token in a cookie, in a body, or under another scheme', async () => {
      expectError(
        await t.http().get('/auth/api/me').set('Cookie', `access_token=${session}`),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await t.http().post('/auth/api/logout').send({ access_token: session }),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await t.http().get('/auth/api/me').set('Authorization', `Token ${session}`),
        401,
        'UNAUTHENTICATED',
      );
      expectError(await t.http().get('/auth/api/me').set('Authorization', session), 401, 'UNAUTHENTICATED');
    });
  });

  it('V16.2.5 left no token in any log line or audit entry', async () => {
    await secrets.expectAbsent(t);
  });
});
