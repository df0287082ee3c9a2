import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Clock } from '../../src/common/clock.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { loginRequest } from '../support/auth.js';
import type { Backend } from '../support/backends.js';
import { createUserRow, startTestApp, type TestApp } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { type OwnRedis, startOwnRedis } from '../support/own-redis.js';
import { expectError, expectStatus } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const WRONG = 'Wrong-Passw0rd!';
const PER_ADDRESS = 5;
const LOCK_SECONDS = 120;

/** The suite breaks a Redis of its own, on either database: PGlite by default, PostgreSQL when configured. */
const haveRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!haveRedisServer)(
  'resilience: lockout kept in the database (a Redis of the test’s own)',
  () => {
    let redis: OwnRedis;
    let t: TestApp;
    const prefix = `ciam-lockout:${randomBytes(3).toString('hex')}:`;

    beforeAll(async () => {
      redis = await startOwnRedis();
      const cache: Backend = {
        env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix },
        dispose: async () => undefined,
      };
      t = await startTestApp({
        cache,
        env: {
          TRUST_PROXY: 'true',
          LOCKOUT_THRESHOLD_PER_ADDRESS: String(PER_ADDRESS),
          LOCKOUT_THRESHOLD_PER_USER: '20',
          LOCKOUT_BASE_SECONDS: String(LOCK_SECONDS),
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await redis?.dispose();
    });

    const cacheUp = async () => {
      const ready = async () => (await t.http().get('/health/ready')).status === 200;
      expect(await eventually(ready), 'the service did not report ready again').toBe(true);
    };

    /** The per-address threshold of wrong passwords (401 each), then 429 ACCOUNT_LOCKED. */
    async function lockFrom(username: string, ip: string): Promise<void> {
      for (let i = 0; i < PER_ADDRESS; i++) {
        expectError(await loginRequest(t, username, WRONG, { ip }), 401, 'INVALID_CREDENTIALS');
      }
      expectError(await loginRequest(t, username, WRONG, { ip }), 429, 'ACCOUNT_LOCKED');
    }

    /** Locked: the right password refused, and no fresh budget of guesses either. */
    async function expectStillLocked(username: string, ip: string): Promise<void> {
      const right = await loginRequest(t, username, PASSWORD, { ip });
      expectError(right, 429, 'ACCOUNT_LOCKED');
      expect(right.body.accessToken).toBeUndefined();
      const retryAfter = Number(right.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);
      for (let i = 0; i < PER_ADDRESS; i++) {
        expectError(await loginRequest(t, username, WRONG, { ip }), 429, 'ACCOUNT_LOCKED');
      }
    }

    it('FLUSHALL lifts no lock and gives no fresh budget; the lock ends by its own clock', async () => {
      const user = await createUserRow(t);
      await lockFrom(user.username, '10.60.0.1');
      // The cache holds a copy of the lock, so refusals need no query.
      const copies = (await redis.command(['KEYS', `${prefix}bf:lock:*`])) as string[];
      expect(copies.length).toBeGreaterThan(0);

      expect(await redis.command(['FLUSHALL'])).toBe('OK');
      await expectStillLocked(user.username, '10.60.0.1');
      expect(await redis.command(['FLUSHALL'])).toBe('OK');
      expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.60.0.2' }), 200);

      const clock = t.app.get(Clock);
      const later = clock.now() + (LOCK_SECONDS + 1) * 1000;
      vi.spyOn(clock, 'now').mockImplementation(() => later);
      try {
        expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.60.0.1' }), 200);
      } finally {
        vi.restoreAllMocks();
      }
    });

    it('a Redis restarted empty lifts no lock and gives no fresh budget', async () => {
      const user = await createUserRow(t);
      await lockFrom(user.username, '10.61.0.1');
      await redis.stop();
      await redis.start();
      await cacheUp();
      expect(await redis.command(['KEYS', `${prefix}bf:*`])).toEqual([]);
      await expectStillLocked(user.username, '10.61.0.1');
      expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.61.0.2' }), 200);
    });

    describe('Redis stopped', () => {
      beforeAll(async () => {
        await cacheUp();
        await redis.stop();
      });

      it(`keeps the per-address limit at ${PER_ADDRESS}: the user still logs in from another address`, async () => {
        const user = await createUserRow(t);
        await lockFrom(user.username, '10.62.0.1');
        await expectStillLocked(user.username, '10.62.0.1');
        expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.62.0.2' }), 200);
      });

      it('lets at most the threshold of 50 parallel wrong passwords reach the password check', async () => {
        const user = await createUserRow(t);
        const answers = await Promise.all(
          Array.from({ length: 50 }, () => loginRequest(t, user.username, WRONG, { ip: '10.63.0.1' })),
        );
        const byCode: Record<string, number> = {};
        for (const r of answers) {
          const key = `${r.status} ${r.body.code}`;
          byCode[key] = (byCode[key] ?? 0) + 1;
        }
        expect(byCode).toEqual({
          '401 INVALID_CREDENTIALS': PER_ADDRESS,
          '429 ACCOUNT_LOCKED': 50 - PER_ADDRESS,
        });
        const row = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
        expect(row.failedLoginCount).toBe(PER_ADDRESS);
        await expectStillLocked(user.username, '10.63.0.1');
        expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.63.0.2' }), 200);
      });

      it('keeps a lock set during the outage once Redis is back', async () => {
        const user = await createUserRow(t);
        await lockFrom(user.username, '10.64.0.1');
        await redis.start();
        await cacheUp();
        await expectStillLocked(user.username, '10.64.0.1');
        expectStatus(await loginRequest(t, user.username, PASSWORD, { ip: '10.64.0.2' }), 200);
      });
    });
  },
);
