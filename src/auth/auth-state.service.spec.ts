import { describe, expect, it } from 'vitest';
import type { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import { Clock } from '../common/clock.js';
import type { IamOptions } from '../config/iam-options.js';
import type { RolePermissionsService } from '../roles/role-permissions.service.js';
import type { CachedSession } from '../sessions/session-state.js';
import type { SessionsRepository } from '../sessions/sessions.repository.js';
import type { TokenClaims } from '../tokens/token-claims.js';
import type { UsersRepository } from '../users/users.repository.js';
import { userRecord } from '../../test/support/service-fakes.js';
import type { ApiTokenUsage } from './api-token-usage.js';
import { AuthStateService } from './auth-state.service.js';
import { type CachedUser, cachedUserOf } from './user-state.js';
import { TokenExpiredError, TokenRevokedError } from './auth.errors.js';

const SID = '0b7f2c2e-5d1a-4c1e-9a7e-2f7c1d3e4b5a';

/**
 * A cache that holds the caller's session, user and role, and records which keys each read asked for.
 * `held`: it answers at once, as the local auth layer does; otherwise with a promise, as Redis does.
 */
function scene(lastSeenAt: number, held = false, clock = new Clock()) {
  const user = cachedUserOf({ ...userRecord(), apiTokenId: null, previousApiTokenId: null });
  const session: CachedSession = {
    userId: user.id,
    expiresAt: Date.now() + 3600_000,
    revoked: false,
    lastSeenAt,
    createdAt: lastSeenAt,
    rememberMe: false,
    ip: null,
    userAgent: null,
  };
  const store = new Map<string, unknown>([
    [CacheKeys.session(SID), session],
    [CacheKeys.user(user.id), user],
    [CacheKeys.role(user.roleName), ['portfolio_data']],
  ]);
  const reads: string[][] = [];
  const touches: string[] = [];
  const touchedAt: number[] = [];
  const read = (keys: string[]) => {
    reads.push(keys);
    return keys.map((k) => store.get(k));
  };
  const cache = {
    mget: async (keys: string[]) => read(keys),
    mgetNow: (keys: string[]) => (held ? read(keys) : Promise.resolve(read(keys))),
    set: async (key: string, value: unknown) => void store.set(key, value),
  } as unknown as AppCache;
  const sessions = {
    touch: async (id: string, at: Date) => void (touches.push(id), touchedAt.push(at.getTime())),
  } as unknown as SessionsRepository;
  const rolePermissions = {
    permissionsOf: async () => ['portfolio_data'],
  } as unknown as RolePermissionsService;
  const service = new AuthStateService(
    {} as UsersRepository,
    sessions,
    rolePermissions,
    cache,
    { deactivationEndsSessions: true, authCacheTtlSeconds: 30 } as IamOptions,
    clock,
    {} as ApiTokenUsage,
  );
  const claims: TokenClaims = {
    typ: 'session',
    sub: String(user.id),
    sid: SID,
    iat: 0,
    exp: 0,
    iss: 'iam',
    aud: 'iam',
  };
  return { service, claims, reads, touches, touchedAt, store };
}

describe('AuthStateService: the session last-seen marker', () => {
  it('is written once a minute, and not read again by the process that wrote it', async () => {
    const { service, claims, reads, touches, store } = scene(Date.now() - 120_000);
    await service.resolve(claims);
    expect(reads[0]).toContain(CacheKeys.sessionSeen(SID));
    expect(touches).toEqual([SID]);
    expect(store.has(CacheKeys.sessionSeen(SID))).toBe(true);

    await service.resolve(claims);
    await service.resolve(claims);
    expect(reads.slice(1).every((keys) => !keys.includes(CacheKeys.sessionSeen(SID)))).toBe(true);
    expect(touches).toEqual([SID]);
  });

  it('set by another process: no write, and no read for a while', async () => {
    const { service, claims, reads, touches, store } = scene(Date.now() - 120_000);
    store.set(CacheKeys.sessionSeen(SID), 1);
    await service.resolve(claims);
    await service.resolve(claims);
    expect(touches).toEqual([]);
    expect(reads.map((keys) => keys.includes(CacheKeys.sessionSeen(SID)))).toEqual([true, false]);
  });

  it('is not read at all while the session was seen less than a minute ago', async () => {
    const { service, claims, reads, touches } = scene(Date.now() - 1000);
    await service.resolve(claims);
    await service.resolve(claims);
    expect(reads.map((keys) => keys.includes(CacheKeys.sessionSeen(SID)))).toEqual([true, false]);
    expect(touches).toEqual([]);
  });

  it('still answers the permissions of the role read alongside it', async () => {
    const { service, claims } = scene(Date.now());
    const first = await service.resolve(claims);
    const second = await service.resolve(claims);
    expect([...first.permissions]).toEqual(['portfolio_data']);
    expect([...second.permissions]).toEqual(['portfolio_data']);
  });
});

describe('AuthStateService: time is the service clock', () => {
  it('refuses a session once the clock passes its stored expiry, even one answered before', async () => {
    let now = Date.now();
    const { service, claims, store } = scene(now, true, { now: () => now } as Clock);
    await service.resolve(claims);
    const session = store.get(CacheKeys.session(SID)) as CachedSession;
    now = session.expiresAt - 1;
    await expect(Promise.resolve(service.resolve(claims))).resolves.toMatchObject({ sessionId: SID });
    now = session.expiresAt;
    await expect(service.resolve(claims)).rejects.toBeInstanceOf(TokenExpiredError);
  });

  it('writes last_seen once the clock has moved a minute on, with the time it shows', async () => {
    const start = Date.now();
    let now = start;
    const { service, claims, touches, touchedAt } = scene(start, false, { now: () => now } as Clock);
    await service.resolve(claims);
    now = start + 59_000;
    await service.resolve(claims);
    expect(touches).toEqual([]);
    now = start + 61_000;
    await service.resolve(claims);
    expect(touches).toEqual([SID]);
    expect(touchedAt).toEqual([start + 61_000]);
  });
});

describe('AuthStateService: the caller permission set', () => {
  it('is one set per cached role entry, and a new one once the entry is replaced', async () => {
    const { service, claims, store } = scene(Date.now());
    await service.resolve(claims); // the first read learns which role to read along with the user
    const first = await service.resolve(claims);
    const second = await service.resolve(claims);
    expect(second.permissions).toBe(first.permissions);

    store.set(CacheKeys.role(first.roleName), ['portfolio_data', 'manage_users']);
    const afterEdit = await service.resolve(claims);
    expect(afterEdit.permissions).not.toBe(first.permissions);
    expect([...afterEdit.permissions].sort()).toEqual(['manage_users', 'portfolio_data']);
  });
});

describe('AuthStateService: the caller context', () => {
  it('is one frozen object per token while the state it was read from stays the same', async () => {
    const { service, claims, store } = scene(Date.now());
    await service.resolve(claims);
    const first = await service.resolve(claims);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await service.resolve(claims)).toBe(first);
    expect((await service.stateOf(first)).session).toBe(store.get(CacheKeys.session(SID)));

    // A new session, user or role entry (what an eviction and a re-read bring) gives a new context.
    const session = store.get(CacheKeys.session(SID)) as CachedSession;
    store.set(CacheKeys.session(SID), { ...session });
    const afterSession = await service.resolve(claims);
    expect(afterSession).not.toBe(first);
    expect(afterSession).toEqual(first);
    const user = store.get(CacheKeys.user(first.userId)) as CachedUser;
    store.set(CacheKeys.user(first.userId), { ...user, mustChangePassword: true });
    const afterUser = await service.resolve(claims);
    expect(afterUser.mustChangePassword).toBe(true);
    expect(await service.stateOf(afterUser)).toMatchObject({ user: { mustChangePassword: true } });
    store.set(CacheKeys.role(first.roleName), ['manage_users']);
    expect([...(await service.resolve(claims)).permissions]).toEqual(['manage_users']);
  });

  it('is refused as before once the session is revoked, however often it was answered', async () => {
    const { service, claims, store } = scene(Date.now());
    await service.resolve(claims);
    await service.resolve(claims);
    const session = store.get(CacheKeys.session(SID)) as CachedSession;
    store.set(CacheKeys.session(SID), { ...session, revoked: true });
    await expect(service.resolve(claims)).rejects.toBeInstanceOf(TokenRevokedError);
  });

  it('is built for each token of its own, even for the same session', async () => {
    const { service, claims } = scene(Date.now());
    const first = await service.resolve(claims);
    const other = await service.resolve({ ...claims });
    expect(other).not.toBe(first);
    expect(other).toEqual(first);
  });
});

describe('AuthStateService: state this process holds', () => {
  it('answers at once, with what a promise would have brought', async () => {
    const held = scene(Date.now(), true);
    const fetched = scene(Date.now(), false);
    // The first read learns which role to read along with the user; until then the role is a read of its own.
    expect(await held.service.resolve(held.claims)).toEqual(await fetched.service.resolve(fetched.claims));
    for (let i = 0; i < 2; i++) {
      const now = held.service.resolve(held.claims);
      const later = fetched.service.resolve(fetched.claims);
      expect(now).not.toBeInstanceOf(Promise);
      expect(later).toBeInstanceOf(Promise);
      expect(now).toEqual(await later);
    }
    expect(held.reads).toEqual(fetched.reads);
  });

  it('refuses with a rejected promise, never a throw', async () => {
    const { service, claims, store } = scene(Date.now(), true);
    await service.resolve(claims);
    expect(service.resolve(claims)).not.toBeInstanceOf(Promise);
    const session = store.get(CacheKeys.session(SID)) as CachedSession;
    store.set(CacheKeys.session(SID), { ...session, revoked: true });
    let refusal: unknown;
    expect(() => (refusal = service.resolve(claims))).not.toThrow();
    await expect(refusal).rejects.toBeInstanceOf(TokenRevokedError);
  });
});
