import { describe, expect, it } from 'vitest';
import { loginRequest, me } from './support/auth.js';
import { UNREACHABLE_CACHE } from './support/backends.js';
import { createUserRow, sessionTokenFor, startTestApp, useTestApp } from './support/harness.js';

const WRONG = 'Wrong-Passw0rd!';

function expectRateLimited(res: {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}) {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
  const retry = Number(res.headers['retry-after']);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
}

describe('rate limits', () => {
  const t = useTestApp({
    env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_LOGIN_PER_MINUTE: '3' },
  });

  it('limits logins per client address more strictly', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await loginRequest(t, `nobody_${i}`, WRONG, { ip: '10.8.0.1' });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    expectRateLimited(await loginRequest(t, 'nobody_x', WRONG, { ip: '10.8.0.1' }));
    // Another address has its own budget.
    const other = await loginRequest(t, 'nobody_y', WRONG, { ip: '10.8.0.2' });
    expect(other.status).toBe(401);
    expect(other.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('counts an authenticated caller by user id, whatever the address', async () => {
    const alice = await createUserRow(t);
    const bob = await createUserRow(t);
    const aliceToken = await sessionTokenFor(t, alice.id);
    const bobToken = await sessionTokenFor(t, bob.id);
    for (let i = 0; i < 5; i++) {
      await me(t, aliceToken)
        .set('X-Forwarded-For', `10.9.0.${i + 1}`)
        .expect(200);
    }
    expectRateLimited(await me(t, aliceToken).set('X-Forwarded-For', '10.9.0.77'));
    // Bob, from one of Alice's addresses, is counted on his own.
    await me(t, bobToken).set('X-Forwarded-For', '10.9.0.1').expect(200);
  });

  it('counts anonymous requests per client address', async () => {
    for (let i = 0; i < 5; i++)
      await t.http().get('/health/live').set('X-Forwarded-For', '10.10.0.1').expect(200);
    expectRateLimited(await t.http().get('/health/live').set('X-Forwarded-For', '10.10.0.1'));
    await t.http().get('/health/live').set('X-Forwarded-For', '10.10.0.2').expect(200);
  });

  it('reads X-Forwarded-For only when told to trust the proxy', async () => {
    const untrusting = await startTestApp({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '2' } });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await loginRequest(untrusting, `nobody_${i}`, WRONG, { ip: `10.11.0.${i + 1}` });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      // A forged header does not buy a fresh budget.
      expectRateLimited(await loginRequest(untrusting, 'nobody_z', WRONG, { ip: '10.11.0.3' }));
    } finally {
      await untrusting.close();
    }
  });
});

describe('rate limits without the cache', () => {
  it('still hold, per instance, and requests are still served', async () => {
    const t = await startTestApp({
      env: {
        ...UNREACHABLE_CACHE,
        RATE_LIMIT_LOGIN_PER_MINUTE: '2',
      },
    });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await loginRequest(t, `nobody_${i}`, WRONG);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      expectRateLimited(await loginRequest(t, 'nobody_z', WRONG));
      await t.http().get('/health/live').expect(200);
    } finally {
      await t.close();
    }
  });
});
