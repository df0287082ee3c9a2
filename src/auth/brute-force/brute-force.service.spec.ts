import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditService } from '../../audit/audit.service.js';
import type { AuditEntryInput } from '../../audit/audit.types.js';
import { MemoryAppCache } from '../../cache/memory-cache.js';
import type { Clock } from '../../common/clock.js';
import type { IamOptions } from '../../config/iam-options.js';
import type { UsersRepository } from '../../users/users.repository.js';
import { AccountLockedError } from '../auth.errors.js';
import { BruteForceService, type PasswordAttempt } from './brute-force.service.js';
import type {
  LockoutRepository,
  ReserveTimes,
  ScopeAsk,
  ScopeState,
  TakenSlot,
} from './lockout.repository.js';

const options = {
  lockout: { thresholdPerAddress: 3, thresholdPerUser: 5, baseSeconds: 30, maxSeconds: 900 },
} as IamOptions;

interface Row extends ScopeState {
  epoch: number;
  expiresAt: Date;
}

/** The table's contract, in memory: each method is one step, as each statement is atomic. */
function fakeLockouts() {
  const rows = new Map<string, Row>();
  const canTake = (r: Row | undefined, ask: ScopeAsk, now: Date) =>
    !r || ((!r.lockedUntil || r.lockedUntil <= now) && (r.windowEndsAt <= now || r.failures < ask.threshold));
  const take = (ask: ScopeAsk, t: ReserveTimes): TakenSlot => {
    const r = rows.get(ask.scope);
    if (!r) {
      const fresh = { scope: ask.scope, epoch: 0, failures: 1, locks: 0, lockedUntil: null };
      rows.set(ask.scope, { ...fresh, windowEndsAt: t.windowEndsAt, expiresAt: t.windowEndsAt });
      return { scope: ask.scope, epoch: 0, count: 1, locks: 0 };
    }
    if (r.expiresAt <= t.now) r.locks = 0;
    if (r.windowEndsAt <= t.now)
      Object.assign(r, { epoch: r.epoch + 1, failures: 0, windowEndsAt: t.windowEndsAt });
    r.failures += 1;
    if (r.expiresAt < t.windowEndsAt) r.expiresAt = t.windowEndsAt;
    return { scope: r.scope, epoch: r.epoch, count: r.failures, locks: r.locks };
  };
  const repo = {
    rows,
    async reserve(pair: ScopeAsk, user: ScopeAsk, t: ReserveTimes) {
      const p = rows.get(pair.scope);
      if (!canTake(p, pair, t.now)) return { taken: false };
      const pairLocks = p && p.expiresAt > t.now ? p.locks : 0;
      const u = rows.get(user.scope);
      // As login_lockout_reserve: the address counts for the user until its first lock.
      if (pairLocks === 0) {
        if (!canTake(u, user, t.now)) return { taken: false };
        return { taken: true, pair: take(pair, t), user: take(user, t) };
      }
      if (u?.lockedUntil && u.lockedUntil > t.now) return { taken: false };
      return { taken: true, pair: take(pair, t), user: null };
    },
    async states(scopes: string[]) {
      return scopes.flatMap((s) => (rows.has(s) ? [{ ...rows.get(s)! }] : []));
    },
    async lock(slot: TakenSlot, lockNumber: number, at: { now: Date; lockedUntil: Date; expiresAt: Date }) {
      const r = rows.get(slot.scope);
      if (!r || r.epoch !== slot.epoch) return false;
      Object.assign(r, {
        epoch: r.epoch + 1,
        failures: 0,
        windowEndsAt: at.now,
        locks: lockNumber,
        lockedUntil: at.lockedUntil,
      });
      if (r.expiresAt < at.expiresAt) r.expiresAt = at.expiresAt;
      return true;
    },
    async giveBack(slot: TakenSlot) {
      const r = rows.get(slot.scope);
      if (r && r.epoch === slot.epoch && r.failures > 0) r.failures -= 1;
    },
    // As login_lockout_succeeded: answers whether the pair had a lock on record.
    async succeeded(pairScope: string, now: Date, userSlot: TakenSlot | null) {
      const r = rows.get(pairScope);
      const hadLock = r !== undefined && r.lockedUntil !== null;
      if (r)
        Object.assign(r, {
          epoch: r.epoch + 1,
          failures: 0,
          locks: 0,
          lockedUntil: null,
          windowEndsAt: now,
          expiresAt: now,
        });
      if (userSlot) await repo.giveBack(userSlot);
      return hadLock;
    },
    async deleteExpired(before: Date) {
      let n = 0;
      for (const [k, r] of rows) if (r.expiresAt < before && rows.delete(k)) n++;
      return n;
    },
  };
  return repo;
}

function fakeUsers() {
  const calls: string[] = [];
  const repo = { recordFailedLogin: async () => void calls.push('recordFailedLogin') };
  return { repo: repo as unknown as UsersRepository, calls };
}

const at = (ip: string, username = 'alice'): PasswordAttempt => ({
  username,
  userId: 7,
  client: { ip, userAgent: null },
});

describe('BruteForceService', () => {
  let cache: MemoryAppCache;
  let audit: AuditEntryInput[];
  let service: BruteForceService;
  let users: ReturnType<typeof fakeUsers>;
  let lockouts: ReturnType<typeof fakeLockouts>;
  let now: number;

  beforeEach(() => {
    cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
    audit = [];
    users = fakeUsers();
    lockouts = fakeLockouts();
    now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now } as Clock;
    const auditService = { recordDetached: (e: AuditEntryInput) => audit.push(e) } as unknown as AuditService;
    service = new BruteForceService(
      cache,
      lockouts as unknown as LockoutRepository,
      users.repo,
      auditService,
      clock,
      options,
    );
  });
  afterEach(() => cache.close());

  const lockedError = (attempt: PasswordAttempt) =>
    service.reserve(attempt).then(
      () => {
        throw new Error('not locked');
      },
      (e: unknown) => e as AccountLockedError,
    );
  const fail = async (attempt: PasswordAttempt) => service.failed(await service.reserve(attempt), attempt);

  it('locks the pair at the threshold and records it once', async () => {
    for (let i = 0; i < 3; i++) await fail(at('1.1.1.1'));
    await expect(service.reserve(at('1.1.1.1'))).rejects.toBeInstanceOf(AccountLockedError);
    const err = await lockedError(at('1.1.1.1'));
    expect(err.options.retryAfterSeconds).toBe(30);
    expect(audit.map((e) => [e.action, e.details])).toEqual([
      ['auth.locked', { scope: 'address', lockSeconds: 30, lockNumber: 1 }],
    ]);
    expect(users.calls.filter((c) => c === 'recordFailedLogin')).toHaveLength(3);
    // Another address is not locked.
    await expect(service.reserve(at('2.2.2.2'))).resolves.toMatchObject({
      slots: [{ count: 1 }, { count: 4 }],
    });
  });

  it('keeps the lock in the database: a cache that lost its copy still refuses, and no count starts afresh', async () => {
    for (let i = 0; i < 3; i++) await fail(at('1.1.1.1'));
    await cache.del('bf:lock:pair:alice:1.1.1.1', 'bf:lock:user:alice');
    now += 10_000;
    expect((await lockedError(at('1.1.1.1'))).options.retryAfterSeconds).toBe(20);
    // The refusal put the copy back: the next one needs no query.
    expect(await cache.get('bf:lock:pair:alice:1.1.1.1')).toEqual({ until: now + 20_000 });
  });

  it('trusts a copy in the cache without asking the database', async () => {
    await cache.set('bf:lock:user:alice', { until: now + 5_000 }, 5);
    const err = await lockedError(at('3.3.3.3'));
    expect(err.options.retryAfterSeconds).toBe(5);
    expect(lockouts.rows.size).toBe(0);
  });

  it('unlocks when the wait is over by the clock, and the next lock waits twice as long', async () => {
    for (let i = 0; i < 3; i++) await fail(at('1.1.1.1'));
    now += 30_000;
    for (let i = 0; i < 3; i++) await fail(at('1.1.1.1'));
    expect((await lockedError(at('1.1.1.1'))).options.retryAfterSeconds).toBe(60);
    expect(audit.map((e) => (e.details as { lockSeconds: number }).lockSeconds)).toEqual([30, 60]);
  });

  it('starts a fresh count after a success', async () => {
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    await service.succeeded(await service.reserve(at('1.1.1.1')));
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    await expect(service.reserve(at('1.1.1.1'))).resolves.toMatchObject({ slots: [{ count: 3 }, {}] });
  });

  it('drops the lock hint on a success only where the pair had a lock', async () => {
    const dropped: string[][] = [];
    const del = cache.del.bind(cache);
    cache.del = (...keys: string[]) => (dropped.push(keys), del(...keys));
    await service.succeeded(await service.reserve(at('1.1.1.1')));
    expect(dropped).toEqual([]);

    for (let i = 0; i < 3; i++) await fail(at('1.1.1.1'));
    now += 30_000; // the lock ran out; its hint may still be in the cache
    await cache.set('bf:lock:pair:alice:1.1.1.1', { until: now }, 5);
    await service.succeeded(await service.reserve(at('1.1.1.1')));
    expect(dropped).toEqual([['bf:lock:pair:alice:1.1.1.1']]);
    expect(await cache.get('bf:lock:pair:alice:1.1.1.1')).toBeUndefined();

    await service.succeeded(await service.reserve(at('1.1.1.1'))); // that success left no lock on record
    expect(dropped).toHaveLength(1);
  });

  it('gives back the slots of a right password that was refused', async () => {
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    for (let i = 0; i < 5; i++) await service.released(await service.reserve(at('1.1.1.1')));
    await expect(service.reserve(at('1.1.1.1'))).resolves.toMatchObject({ slots: [{ count: 3 }, {}] });
    expect(audit).toEqual([]);
  });

  it('confirms a password the caller knows: wrong counts, right gives back, a check that fails is no guess', async () => {
    const wrong = () => service.confirm(at('1.1.1.1'), async () => false);
    const right = () => service.confirm(at('1.1.1.1'), async () => true);
    const broken = () =>
      service.confirm(at('1.1.1.1'), async () => {
        throw new Error('hashing thread ended');
      });
    expect(await wrong()).toBe(false);
    expect(await wrong()).toBe(false);
    for (let i = 0; i < 5; i++) {
      expect(await right()).toBe(true);
      await expect(broken()).rejects.toThrow('hashing thread ended');
    }
    // Two failures on record, the threshold three: the next wrong one locks, nothing before it did.
    expect(audit).toEqual([]);
    expect(await wrong()).toBe(false);
    await expect(right()).rejects.toBeInstanceOf(AccountLockedError);
  });

  it('applies an outcome once: a release after a failure gives nothing back', async () => {
    for (let i = 0; i < 2; i++) {
      const reservation = await service.reserve(at('1.1.1.1'));
      await service.failed(reservation, at('1.1.1.1'));
      await service.released(reservation);
    }
    await fail(at('1.1.1.1'));
    await expect(service.reserve(at('1.1.1.1'))).rejects.toBeInstanceOf(AccountLockedError);
  });

  it('locks the user from every address once the per-user threshold is reached', async () => {
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    for (let i = 0; i < 3; i++) await fail(at('2.2.2.2'));
    await expect(service.reserve(at('9.9.9.9'))).rejects.toBeInstanceOf(AccountLockedError);
    expect(audit.map((e) => (e.details as { scope: string }).scope).sort()).toEqual(['address', 'user']);
  });

  it('refuses a check beyond the threshold while the others are in flight, once the wait runs out', async () => {
    const inFlight = [];
    for (let i = 0; i < 3; i++) inFlight.push(await service.reserve(at('1.1.1.1')));
    const err = await lockedError(at('1.1.1.1'));
    expect(err.options.retryAfterSeconds).toBe(30);
    expect(lockouts.rows.get('pair:alice:1.1.1.1')?.failures).toBe(3);
  });

  it('removes rows nobody needs any more, at most once a minute', async () => {
    await fail(at('1.1.1.1', 'ghost'));
    expect(lockouts.rows.size).toBe(2);
    now += 2 * 3600_000;
    await fail(at('1.1.1.1', 'other'));
    expect([...lockouts.rows.keys()].sort()).toEqual(['pair:other:1.1.1.1', 'user:other']);
    now += 2 * 3600_000;
    await fail(at('1.1.1.1', 'third'));
    now += 30_000;
    await fail(at('1.1.1.1', 'fourth'));
    expect(lockouts.rows.size).toBe(4);
  });
});
