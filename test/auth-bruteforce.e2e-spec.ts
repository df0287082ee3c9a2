import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../src/audit/audit-event.entity.js';
import { UserEntity } from '../src/users/user.entity.js';
import { login, loginRequest } from './support/auth.js';
import { UNREACHABLE_CACHE } from './support/backends.js';
import { heldClock } from './support/clock.js';
import { bearer, createUserRow, type TestApp, useTestApp } from './support/harness.js';

const PASSWORD = 'Test-Passw0rd!';
const WRONG = 'Wrong-Passw0rd!';

async function expectLocked(res: {
  status: number;
  body: { code: string };
  headers: Record<string, string>;
}) {
  expect(res.status).toBe(429);
  expect(res.body.code).toBe('ACCOUNT_LOCKED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

async function failTimes(t: TestApp, username: string, times: number, ip?: string) {
  for (let i = 0; i < times; i++) {
    const res = await loginRequest(t, username, WRONG, { ip });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  }
}

/** The per-address threshold of wrong passwords from `ip`, then one more attempt: locked. Answers that attempt. */
async function failUntilLocked(t: TestApp, username: string, ip: string, next = WRONG) {
  await failTimes(t, username, 5, ip);
  const res = await loginRequest(t, username, next, { ip });
  await expectLocked(res);
  return res;
}

/**
 * 50 wrong passwords for a new user at once: exactly `threshold` are checked
 * (401), the others are turned away locked (429), and the count stops there.
 */
async function wrongPasswordBurst(t: TestApp, threshold: number, ip?: string) {
  const user = await createUserRow(t);
  const results = await Promise.all(
    Array.from({ length: 50 }, () => loginRequest(t, user.username, WRONG, { ip })),
  );
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 401)).toHaveLength(threshold);
  expect(statuses.filter((s) => s === 429)).toHaveLength(50 - threshold);
  for (const r of results)
    expect(r.body.code).toBe(r.status === 401 ? 'INVALID_CREDENTIALS' : 'ACCOUNT_LOCKED');
  const row = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
  expect(row.failedLoginCount).toBe(threshold);
  return user;
}

/** The audit entries of one action about a user, oldest first, once every write has landed. */
async function auditOf(t: TestApp, action: string, userId: number): Promise<AuditEventEntity[]> {
  await t.flushAudit();
  return t.dataSource
    .getRepository(AuditEventEntity)
    .find({ where: { action, targetId: String(userId) }, order: { id: 'ASC' } });
}

describe('brute-force lockout', () => {
  const t = useTestApp({
    env: {
      TRUST_PROXY: 'true',
      LOCKOUT_THRESHOLD_PER_ADDRESS: '5',
      LOCKOUT_THRESHOLD_PER_USER: '12',
      LOCKOUT_BASE_SECONDS: '1',
    },
  });

  // The service's clock stands still unless a test moves it: a one-second lock then lasts however slow the
  // machine is, and "after the wait" is a step of the clock, not a sleep.
  let clock: ReturnType<typeof heldClock>;
  const advance = (ms: number) => clock.advance(ms);
  beforeEach(() => {
    clock = heldClock(t);
  });
  afterEach(() => clock.restore());

  it('locks a (username, address) pair after the threshold, even against the right password', async () => {
    const user = await createUserRow(t);
    await failUntilLocked(t, user.username, '10.1.0.1');
    const right = await loginRequest(t, user.username, PASSWORD, { ip: '10.1.0.1' });
    await expectLocked(right);
    expect(right.body.accessToken).toBeUndefined();
    // Another address is not locked out by this one.
    await login(t, user.username, PASSWORD, { ip: '10.1.0.2' });

    const locks = await auditOf(t, 'auth.locked', user.id);
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ outcome: 'failure', ip: '10.1.0.1' });
    expect(locks[0].details).toMatchObject({ scope: 'address', lockSeconds: 1, lockNumber: 1 });
    const failed = await auditOf(t, 'auth.login_failed', user.id);
    expect(failed.map((f) => (f.details as { reason: string }).reason)).toContain('locked');
  });

  it('unlocks after the wait; a success resets the pair, repeated locks wait twice as long', async () => {
    const user = await createUserRow(t);
    const ip = '10.2.0.1';
    const first = await failUntilLocked(t, user.username, ip, PASSWORD);
    expect(first.headers['retry-after']).toBe('1');
    advance(1_100);
    const second = await failUntilLocked(t, user.username, ip);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(2);
    advance(2_100);
    await login(t, user.username, PASSWORD, { ip });
    // The success reset the pair: a fresh count, and the next lock starts from the base again.
    const third = await failUntilLocked(t, user.username, ip);
    expect(third.headers['retry-after']).toBe('1');
    const locks = await auditOf(t, 'auth.locked', user.id);
    expect(locks.map((l) => (l.details as { lockSeconds: number }).lockSeconds)).toEqual([1, 2, 1]);
  });

  it('locks the username everywhere after the per-user threshold from several addresses', async () => {
    const user = await createUserRow(t);
    await failTimes(t, user.username, 4, '10.3.0.1');
    await failTimes(t, user.username, 4, '10.3.0.2');
    await failTimes(t, user.username, 4, '10.3.0.3');
    const elsewhere = await loginRequest(t, user.username, PASSWORD, { ip: '10.3.0.99' });
    await expectLocked(elsewhere);
    const locks = await auditOf(t, 'auth.locked', user.id);
    expect(locks.map((l) => (l.details as { scope: string }).scope)).toContain('user');
  });

  it('never lets one address alone lock the user out of the others', async () => {
    const user = await createUserRow(t);
    const ip = '10.4.0.1';
    await failUntilLocked(t, user.username, ip);
    advance(1_100);
    await failUntilLocked(t, user.username, ip);
    // Ten failures from one address, over the per-address threshold twice: the others still get in.
    await login(t, user.username, PASSWORD, { ip: '10.4.0.2' });
  });

  it('guards the current password of /me/password with the same lock', async () => {
    const user = await createUserRow(t);
    const ip = '10.7.0.1';
    const token = await login(t, user.username, PASSWORD, { ip });
    const change = (currentPassword: string) =>
      t
        .http()
        .post('/auth/api/me/password')
        .set(bearer(token))
        .set('X-Forwarded-For', ip)
        .send({ currentPassword, newPassword: 'Brand-New-Passw0rd' });
    for (let i = 0; i < 5; i++) {
      const res = await change(WRONG);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    await expectLocked(await change(PASSWORD));
    await expectLocked(await loginRequest(t, user.username, PASSWORD, { ip }));
  });
});

// A lock of the default length, so that it outlasts the burst however slow the machine.
describe('brute-force lockout under a burst', () => {
  const t = useTestApp({ env: { TRUST_PROXY: 'true' } });

  it('counts 50 parallel wrong passwords atomically: at most the threshold are checked', async () => {
    const user = await wrongPasswordBurst(t, 5, '10.5.0.1');
    // The refused ones were not guesses: the user can still log in from elsewhere.
    await login(t, user.username, PASSWORD, { ip: '10.5.0.2' });
  });

  it('lets parallel right passwords through: a check beyond the threshold waits for those in flight', async () => {
    const user = await createUserRow(t);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => loginRequest(t, user.username, PASSWORD, { ip: '10.5.0.9' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    const row = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    expect(row.failedLoginCount).toBe(0);
  });

  it('locks an unknown username exactly like a known one', async () => {
    const user = await createUserRow(t);
    await failTimes(t, user.username, 5, '10.6.0.1');
    await failTimes(t, 'no_such_person', 5, '10.6.0.1');
    const known = await loginRequest(t, user.username, WRONG, { ip: '10.6.0.1' });
    const unknown = await loginRequest(t, 'no_such_person', WRONG, { ip: '10.6.0.1' });
    await expectLocked(known);
    await expectLocked(unknown);
    expect(unknown.body).toEqual(known.body);
    // Both locks are of the base length (the known one started a moment earlier).
    for (const res of [known, unknown]) expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
  });
});

describe('brute-force lockout without the cache', () => {
  const t = useTestApp({
    env: {
      ...UNREACHABLE_CACHE,
      LOCKOUT_THRESHOLD_PER_USER: '3',
    },
  });

  it('counts in the database and still locks, then unlocks after the wait', async () => {
    const user = await createUserRow(t);
    await failTimes(t, user.username, 3);
    await expectLocked(await loginRequest(t, user.username, PASSWORD));
    const locks = await auditOf(t, 'auth.locked', user.id);
    expect(locks).toHaveLength(1);
    expect(locks[0].details).toMatchObject({ scope: 'user', lockSeconds: 30 });
    // Past the wait by the service's clock.
    const clock = heldClock(t, Date.now() + 31_000);
    try {
      await login(t, user.username, PASSWORD);
    } finally {
      clock.restore();
    }
    const row = await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: user.id });
    expect(row.failedLoginCount).toBe(0);
  });

  it('removes the rows of a scope once its count, its lock and the memory of that lock are over', async () => {
    const user = await createUserRow(t);
    await failTimes(t, user.username, 3);
    await expectLocked(await loginRequest(t, user.username, PASSWORD));
    const rowsOf = async (username: string) =>
      (
        (await t.dataSource.query(`SELECT scope FROM login_lockouts WHERE scope LIKE $1`, [
          `%:${username}%`,
        ])) as unknown[]
      ).length;
    expect(await rowsOf(user.username)).toBe(2);

    const clock = heldClock(t, Date.now() + 25 * 3600_000);
    try {
      // A failure, anyone's, is what removes what has expired.
      expect((await loginRequest(t, 'someone_else', WRONG)).status).toBe(401);
      expect(await rowsOf(user.username)).toBe(0);
      expect(await rowsOf('someone_else')).toBe(2);
      await login(t, user.username, PASSWORD);
    } finally {
      clock.restore();
    }
  });

  it('counts 50 parallel wrong passwords atomically in the database', async () => {
    await wrongPasswordBurst(t, 3);
  });

  it('takes no slot for a refused attempt: a new address of a locked user leaves no count behind', async () => {
    const user = await createUserRow(t);
    await failTimes(t, user.username, 3, '10.0.0.1');
    const counts = async () =>
      (await t.dataSource.query(
        `SELECT scope, failures FROM login_lockouts WHERE scope LIKE $1 ORDER BY scope`,
        [`%:${user.username}%`],
      )) as { scope: string; failures: number }[];
    const before = await counts();
    expect(before).toHaveLength(2);

    // The pair's slot at the new address is taken first, then the user's is refused: both go back.
    await expectLocked(await loginRequest(t, user.username, PASSWORD, { ip: '10.0.0.2' }));
    expect(await counts()).toEqual(before);
  });

  it('answers from a success whether the pair it reset had a lock on record', async () => {
    const user = await createUserRow(t);
    const pair = `pair:${user.username}:10.0.0.9`;
    const succeeded = async () =>
      (
        (await t.dataSource.query(`SELECT login_lockout_succeeded($1, now(), NULL, NULL) AS had_lock`, [
          pair,
        ])) as { had_lock: boolean }[]
      )[0]!.had_lock;
    expect(await succeeded()).toBe(false); // no row at all
    await t.dataSource.query(
      `INSERT INTO login_lockouts (scope, epoch, failures, window_ends_at, locks, locked_until, expires_at)
       VALUES ($1, 0, 2, now() + interval '1 hour', 0, NULL, now() + interval '1 hour')`,
      [pair],
    );
    expect(await succeeded()).toBe(false); // a count, no lock
    await t.dataSource.query(
      `UPDATE login_lockouts SET failures = 1, locks = 1, locked_until = now() - interval '1 second'
        WHERE scope = $1`,
      [pair],
    );
    expect(await succeeded()).toBe(true); // a lock on record, run out or not
    const [row] = (await t.dataSource.query(
      `SELECT failures, locks, locked_until FROM login_lockouts WHERE scope = $1`,
      [pair],
    )) as { failures: number; locks: number; locked_until: Date | null }[];
    expect(row).toEqual({ failures: 0, locks: 0, locked_until: null });
    expect(await succeeded()).toBe(false);
  });
});
