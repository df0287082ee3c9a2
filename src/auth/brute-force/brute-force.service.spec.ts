import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditService } from '../../audit/audit.service.js';
import type { AuditEntryInput } from '../../audit/audit.types.js';
import { CacheUnavailableError } from '../../cache/app-cache.js';
import { MemoryAppCache } from '../../cache/memory-cache.js';
import type { IamOptions } from '../../config/iam-options.js';
import type { AuthUsersRepository } from '../auth-users.repository.js';
import { AccountLockedError, BruteForceService, type PasswordAttempt } from './brute-force.service.js';

const options = {
  lockout: { thresholdPerAddress: 3, thresholdPerUser: 5, baseSeconds: 30, maxSeconds: 900 },
} as IamOptions;

function fakeUsers() {
  const calls: string[] = [];
  let dbCount = 0;
  const repo = {
    recordFailure: async () => void calls.push('recordFailure'),
    reserveFailure: async () => (dbCount < 2 ? ++dbCount : null),
    lockSecondsLeft: async () => 17,
    releaseFailure: async () => void (dbCount = Math.max(0, dbCount - 1)),
  };
  return { repo: repo as unknown as AuthUsersRepository, calls };
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

  beforeEach(() => {
    cache = new MemoryAppCache(createCache({ stores: [new Keyv()] }));
    audit = [];
    users = fakeUsers();
    const auditService = { recordDetached: (e: AuditEntryInput) => audit.push(e) } as unknown as AuditService;
    service = new BruteForceService(cache, users.repo, auditService, options);
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
    expect(err.options.retryAfterSeconds).toBeGreaterThan(28);
    expect(audit.map((e) => [e.action, e.details])).toEqual([
      ['auth.locked', { scope: 'address', lockSeconds: 30, lockNumber: 1 }],
    ]);
    expect(users.calls.filter((c) => c === 'recordFailure')).toHaveLength(3);
    // Another address is not locked.
    await expect(service.reserve(at('2.2.2.2'))).resolves.toMatchObject({ mode: 'cache' });
  });

  it('starts a fresh count after a success', async () => {
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    await service.succeeded(await service.reserve(at('1.1.1.1')));
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    await expect(service.reserve(at('1.1.1.1'))).resolves.toMatchObject({ mode: 'cache' });
  });

  it('gives back the slots of a right password that was refused', async () => {
    for (let i = 0; i < 2; i++) await fail(at('1.1.1.1'));
    for (let i = 0; i < 5; i++) await service.released(await service.reserve(at('1.1.1.1')));
    await expect(service.reserve(at('1.1.1.1'))).resolves.toMatchObject({ mode: 'cache' });
    expect(audit).toEqual([]);
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

  it('falls back to the database count when the cache cannot count', async () => {
    cache.incr = () => Promise.reject(new CacheUnavailableError());
    const first = await service.reserve(at('1.1.1.1'));
    expect(first).toEqual({ mode: 'database', userId: 7, count: 1 });
    await service.reserve(at('1.1.1.1'));
    const err = await lockedError(at('1.1.1.1'));
    expect(err).toBeInstanceOf(AccountLockedError);
    expect(err.options.retryAfterSeconds).toBe(17);
    // An unknown name has no row to count on.
    expect(await service.reserve({ ...at('1.1.1.1', 'nobody'), userId: null })).toEqual({ mode: 'none' });
  });
});
