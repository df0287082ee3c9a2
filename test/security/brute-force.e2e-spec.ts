import type { Response } from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { loginRequest } from '../support/auth.js';
import { auditRows } from '../support/audit.js';
import { createUserRow, useTestApp } from '../support/harness.js';
import { SecretWatch } from '../support/secrets.js';
import { expectError, expectStatus, uniqueName } from '../support/users.js';

const PASSWORD = 'Test-Passw0rd!';
const WRONG = 'Wrong-Passw0rd!';
const THRESHOLD = 5;
/** The algorithm, version and cost of a PHC argon2 string: what decides how long a verification takes. */
const PHC_PARAMS = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/;

function expectLocked(res: Response, maxSeconds: number): void {
  expectError(res, 429, 'ACCOUNT_LOCKED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter), `Retry-After: ${res.headers['retry-after']}`).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.body.accessToken).toBeUndefined();
}

/** The lock both suites reach: THRESHOLD failures from one address, then two minutes. */
const LOCKOUT = { LOCKOUT_THRESHOLD_PER_ADDRESS: String(THRESHOLD), LOCKOUT_BASE_SECONDS: '120' };

describe('security: brute force (ASVS V6.3, V4.1.3)', () => {
  // Behind a proxy: X-Forwarded-For is the client address.
  const t = useTestApp({
    env: {
      TRUST_PROXY: 'true',
      ...LOCKOUT,
      LOCKOUT_THRESHOLD_PER_USER: '20',
    },
  });
  const secrets = new SecretWatch();

  beforeAll(async () => {
    secrets.add(PASSWORD, WRONG);
  });

  const attempt = async (username: string, password: string, ip: string) => {
    const res = await loginRequest(t, username, password, { ip });
    secrets.fromAnswer(res);
    return res;
  };

  describe('V6.3.1 lockout', () => {
    let username: string;
    beforeAll(async () => {
      username = (await createUserRow(t)).username;
    });

    it(`answers ${THRESHOLD} wrong passwords with 401 INVALID_CREDENTIALS, then locks with 429 ACCOUNT_LOCKED and Retry-After`, async () => {
      for (let i = 0; i < THRESHOLD; i++) {
        expectError(await attempt(username, WRONG, '10.10.0.1'), 401, 'INVALID_CREDENTIALS');
      }
      expectLocked(await attempt(username, WRONG, '10.10.0.1'), 120);
    });

    it('refuses the right password during the lock (429 ACCOUNT_LOCKED, no token)', async () => {
      expectLocked(await attempt(username, PASSWORD, '10.10.0.1'), 120);
    });

    it('does not lock the user out from another client address (200)', async () => {
      expectStatus(await attempt(username, PASSWORD, '10.10.0.2'), 200);
    });

    it('records each failure and the lock in the audit log, with the client address', async () => {
      const user = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ username });
      const rows = await auditRows(t, `target_type = 'user' AND target_id = $1`, [String(user.id)]);
      const failed = rows.filter((r) => r.action === 'auth.login_failed');
      expect(failed.filter((r) => r.details.reason === 'wrong_password')).toHaveLength(THRESHOLD);
      expect(failed.filter((r) => r.details.reason === 'locked').length).toBeGreaterThanOrEqual(2);
      const locks = rows.filter((r) => r.action === 'auth.locked');
      expect(locks).toHaveLength(1);
      expect(locks[0]).toMatchObject({ ip: '10.10.0.1', outcome: 'failure' });
    });
  });

  it('V6.3.1 counts 50 parallel wrong passwords atomically: exactly the threshold are checked, the rest locked', async () => {
    const user = await createUserRow(t);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => attempt(user.username, WRONG, '10.20.0.1')),
    );
    const byCode = answers.reduce<Record<string, number>>((acc, r) => {
      const key = `${r.status} ${r.body.code}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
    expect(byCode).toEqual({ '401 INVALID_CREDENTIALS': THRESHOLD, '429 ACCOUNT_LOCKED': 50 - THRESHOLD });
    for (const r of answers.filter((a) => a.status === 429)) expectLocked(r, 120);
    expectLocked(await attempt(user.username, PASSWORD, '10.20.0.1'), 120);
  });

  it('V6.3.1 locks an unknown username exactly like a known one', async () => {
    const unknown = uniqueName('ghost');
    for (let i = 0; i < THRESHOLD; i++) {
      expectError(await attempt(unknown, WRONG, '10.30.0.1'), 401, 'INVALID_CREDENTIALS');
    }
    expectLocked(await attempt(unknown, WRONG, '10.30.0.1'), 120);
  });

  describe('V6.3.8 unknown and known usernames answer alike', () => {
    it('in status, code, message and headers', async () => {
      const known = await createUserRow(t);
      const inactive = await createUserRow(t, { isActive: false });
      const apiUser = await createUserRow(t, { isApiUser: true });
      const answers = [
        await attempt(known.username, WRONG, '10.40.0.1'),
        await attempt(uniqueName('nobody'), WRONG, '10.40.0.1'),
        await attempt(inactive.username, WRONG, '10.40.0.1'),
        await attempt(apiUser.username, WRONG, '10.40.0.1'),
      ];
      const shapeOf = (r: Response) => ({
        status: r.status,
        body: r.body,
        headers: Object.keys(r.headers)
          .filter((h) => !['date', 'x-request-id', 'content-length', 'etag'].includes(h))
          .sort()
          .map((h) => `${h}: ${r.headers[h]}`),
      });
      for (const r of answers) expectError(r, 401, 'INVALID_CREDENTIALS');
      const [first, ...rest] = answers.map(shapeOf);
      for (const other of rest) expect(other).toEqual(first);
    });

    it('in work: a known and an unknown username each cost one argon2id verification with the same parameters', async () => {
      // Time is what an attacker measures, and time follows the work done: compare the work, which is exact,
      // rather than durations, which a busy machine blurs.
      const realHash = await t.app.get(PasswordHasher).hash(PASSWORD);
      const known = await createUserRow(t);
      await t.dataSource.getRepository(UserEntity).update(known.id, { passwordHash: realHash });
      const hasher = t.app.get(PasswordHasher);
      const verify = vi.spyOn(hasher, 'verify');
      try {
        const workFor = async (username: string, ip: string) => {
          verify.mockClear();
          expectError(await attempt(username, WRONG, ip), 401, 'INVALID_CREDENTIALS');
          return verify.mock.calls.map(([hash]) => PHC_PARAMS.exec(hash)?.[0] ?? 'not argon2id');
        };
        const knownWork = await workFor(known.username, '10.50.0.1');
        const unknownWork = await workFor(uniqueName('nobody'), '10.50.1.1');
        expect(knownWork).toEqual([PHC_PARAMS.exec(realHash)![0]]);
        expect(unknownWork).toEqual(knownWork);
      } finally {
        verify.mockRestore();
      }
    });
  });

  it('V16.2.5 left no password or token in any log line or audit entry', async () => {
    await secrets.expectAbsent(t);
  });
});

describe('security: X-Forwarded-For without TRUST_PROXY (ASVS V4.1.3, V6.3.1)', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'false', ...LOCKOUT } });

  it('ignores a spoofed X-Forwarded-For: a new one per attempt neither escapes the lock nor lands in the audit log', async () => {
    const user = await createUserRow(t);
    for (let i = 0; i < THRESHOLD; i++) {
      expectError(
        await loginRequest(t, user.username, WRONG, { ip: `203.0.113.${i + 1}` }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    expectLocked(await loginRequest(t, user.username, PASSWORD, { ip: '198.51.100.7' }), 120);
    const rows = await auditRows(t, `action = 'auth.login_failed' AND target_id = $1`, [String(user.id)]);
    expect(rows.length).toBeGreaterThanOrEqual(THRESHOLD);
    for (const r of rows) {
      expect(r.ip).not.toMatch(/^(203\.0\.113|198\.51\.100)\./);
      expect(r.ip).toMatch(/127\.0\.0\.1|::1/);
    }
  });
});
