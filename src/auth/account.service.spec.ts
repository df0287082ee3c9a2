import { Clock } from '../common/clock.js';
import { describe, expect, it } from 'vitest';
import {
  caller,
  client,
  fakeBruteForce,
  fakeUsersRepository,
  sharedFakes,
  successEntry,
  hashOf,
  loginUser,
  txManager,
  userRecord,
} from '../../test/support/service-fakes.js';
import type { PermissionCatalog } from '../roles/permission-catalog.js';
import { PasswordPolicy } from '../users/password-policy.js';
import { WeakPasswordError } from '../users/users.errors.js';
import { AccountService } from './account.service.js';
import type { AuthStateService } from './auth-state.service.js';
import { type CachedUser, cachedUserOf } from './user-state.js';
import type { CachedSession } from '../sessions/session-state.js';
import { jsonOf } from '../common/http/kept-json.js';
import { HashingThreadEnded } from '../users/hashing-threads.js';
import { SessionNotFoundError, UnchangedPasswordError, WrongCurrentPasswordError } from './auth.errors.js';

const CURRENT = 'Correct-horse-9';
const NEXT = 'Brand-new-pass-7';
/** The caller: user 7, signed in with session-1. */
const bob = caller({
  userId: 7,
  username: 'bob',
  roleName: 'readers',
  permissions: new Set(['portfolio_data']),
});

/** A session row as the repository reads it; whether it is live is judged against the wall clock. */
const sessionRow = (over: Record<string, unknown> = {}) => ({
  id: 'session-1',
  userId: 7,
  revokedAt: null,
  expiresAt: new Date('2100-01-01T00:00:00Z'),
  ...over,
});

function setup(opts: { revoked?: number; live?: unknown } = {}) {
  const f = sharedFakes(opts);
  const users = fakeUsersRepository(f.log, { user: loginUser({ passwordHash: hashOf(CURRENT) }) });
  const { bruteForce, outcomes } = fakeBruteForce(f.log);
  const service = new AccountService(
    {} as AuthStateService,
    {} as PermissionCatalog,
    users.repo,
    f.hasher.hasher,
    new PasswordPolicy(),
    bruteForce,
    f.sessions,
    f.runner,
    f.audit,
    new Clock(),
  );
  return { service, ...f, ...users, outcomes };
}

describe('AccountService.changePassword', () => {
  it('refuses a wrong current password as a failed attempt, writing nothing', async () => {
    const s = setup();
    const refused = s.service.changePassword(
      bob,
      { currentPassword: 'Wrong-horse-9', newPassword: NEXT },
      client,
    );
    await expect(refused).rejects.toBeInstanceOf(WrongCurrentPasswordError);
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(s.outcomes).toEqual(['failed']);
    expect(s.hasher.hashed).toEqual([]);
    expect(s.writes).toEqual([]);
    expect(s.revokedAll).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('counts no guess when the current password could not be checked, writing nothing', async () => {
    const s = setup();
    s.hasher.hasher.verify = async () => {
      throw new HashingThreadEnded('hashing thread ended (1)');
    };
    await expect(
      s.service.changePassword(bob, { currentPassword: CURRENT, newPassword: NEXT }, client),
    ).rejects.toBeInstanceOf(HashingThreadEnded);
    expect(s.outcomes).toEqual(['released']);
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('refuses the current password as the new one, and a weak one, after releasing the attempt', async () => {
    const unchanged = setup();
    await expect(
      unchanged.service.changePassword(bob, { currentPassword: CURRENT, newPassword: CURRENT }, client),
    ).rejects.toBeInstanceOf(UnchangedPasswordError);
    expect(unchanged.outcomes).toEqual(['released']);

    const weak = setup();
    const error = await weak.service
      .changePassword(bob, { currentPassword: CURRENT, newPassword: 'short' }, client)
      .then(
        () => null,
        (e: unknown) => e as WeakPasswordError,
      );
    expect(error).toBeInstanceOf(WeakPasswordError);
    expect(new Set(error!.options.details!.map((d) => d.field))).toEqual(new Set(['newPassword']));
    for (const s of [unchanged, weak]) {
      expect(s.hasher.hashed).toEqual([]);
      expect(s.writes).toEqual([]);
      expect(s.entries).toEqual([]);
    }
  });

  it('refuses SESSION_REQUIRED to an API token', async () => {
    const s = setup();
    const api = caller({ userId: 7, username: 'bob', kind: 'api', sessionId: undefined, tokenId: 't' });
    await expect(
      s.service.changePassword(api, { currentPassword: CURRENT, newPassword: NEXT }, client),
    ).rejects.toMatchObject({ code: 'SESSION_REQUIRED' });
    expect(s.outcomes).toEqual([]);
  });

  it('stores the new hash, ends the other sessions, audits without a password and evicts after commit', async () => {
    const s = setup({ revoked: 2 });
    await s.service.changePassword(bob, { currentPassword: CURRENT, newPassword: NEXT }, client);

    expect(s.outcomes).toEqual(['released']);
    expect(s.writes).toEqual([
      {
        op: 'update',
        id: 7,
        manager: txManager,
        value: { passwordHash: hashOf(NEXT), mustChangePassword: false },
      },
    ]);
    expect(s.revokedAll).toEqual([{ userId: 7, except: 'session-1' }]);
    expect(s.entries).toEqual([
      successEntry(
        'auth.password_changed',
        { id: 7, username: 'bob' },
        { id: 7, username: 'bob' },
        { otherSessionsRevoked: 2 },
      ),
    ]);
    expect(JSON.stringify(s.entries)).not.toMatch(/horse|Brand-new/);
    expect(s.log).toEqual([
      'brute-force:released',
      'update:7',
      'revoke-all:7',
      'audit:auth.password_changed',
      'commit',
      'evict:7',
    ]);
  });
});

describe('AccountService.logout', () => {
  it('revokes this session and records auth.logout in the same transaction', async () => {
    const s = setup({ live: sessionRow() });
    await s.service.logout(bob, client);
    expect(s.revokedOne).toEqual([{ sessionId: 'session-1', userId: 7 }]);
    expect(s.entries).toMatchObject([
      { action: 'auth.logout', target: { type: 'user', id: 7 }, details: { how: 'logout' } },
    ]);
    expect(s.managers).toEqual([txManager]);
    expect(s.log).toEqual(['revoke:session-1', 'audit:auth.logout', 'commit']);
  });

  it('answers SESSION_NOT_FOUND for a session already revoked, expired or not the caller’s', async () => {
    for (const live of [
      null,
      sessionRow({ revokedAt: new Date(0) }),
      sessionRow({ expiresAt: new Date(0) }),
      sessionRow({ userId: 8 }),
    ]) {
      const s = setup({ live });
      await expect(s.service.logout(bob, client)).rejects.toBeInstanceOf(SessionNotFoundError);
      expect(s.revokedOne).toEqual([]);
      expect(s.entries).toEqual([]);
    }
  });

  it('ends another of the caller’s sessions as ended_by_owner', async () => {
    const s = setup({ live: sessionRow({ id: 'session-2' }) });
    await s.service.endMine(bob, 'session-2', client);
    expect(s.revokedOne).toEqual([{ sessionId: 'session-2', userId: 7 }]);
    expect(s.entries).toMatchObject([{ details: { how: 'ended_by_owner' } }]);
  });
});

describe('AccountService.me', () => {
  function meScene() {
    const user = cachedUserOf({ ...userRecord(), apiTokenId: null, previousApiTokenId: null });
    const state: { user: CachedUser; session: CachedSession | null } = { user, session: null };
    const reads = { known: 0, reread: 0 };
    const authState = {
      knownStateOf: () => (reads.known++, { ...state }),
      stateOf: async () => (reads.reread++, { ...state }),
    } as unknown as AuthStateService;
    const catalog = { sortedNames: Object.freeze(['a_data', 'full_access', 'z_data']) } as PermissionCatalog;
    const f = sharedFakes();
    const service = new AccountService(
      authState,
      catalog,
      {} as never,
      f.hasher.hasher,
      new PasswordPolicy(),
      {} as never,
      f.sessions,
      f.runner,
      f.audit,
      new Clock(),
    );
    return { service, state, reads, authState };
  }

  const sessionState = (over: Partial<CachedSession> = {}): CachedSession => ({
    userId: 7,
    expiresAt: Date.parse('2030-01-01T00:00:00Z'),
    revoked: false,
    lastSeenAt: 0,
    createdAt: Date.parse('2026-01-01T00:00:00Z'),
    rememberMe: false,
    ip: '127.0.0.1',
    userAgent: 'test',
    ...over,
  });

  it('keeps one answer, and its JSON text, per session state', async () => {
    const { service, state } = meScene();
    state.session = sessionState();
    const held = new Set(['a_data']);
    const caller = { ...bob, sessionId: 'session-1', permissions: held };
    const first = await service.me(caller);
    expect(first.session).toMatchObject({ id: 'session-1', current: true });
    expect(await service.me(caller)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(jsonOf(first)).toBe(JSON.stringify(first));

    // Any new piece of state, or another session id on the same state, builds a new answer.
    const renewed = [
      () => (state.session = sessionState({ lastSeenAt: 5 })),
      () => (state.user = { ...state.user, email: 'new@example.test' }),
    ];
    let last = first;
    for (const change of renewed) {
      change();
      const next = await service.me(caller);
      expect(next).not.toBe(last);
      last = next;
    }
    expect(last.user.email).toBe('new@example.test');
    expect(last.session?.lastSeenAt).toBe(new Date(5).toISOString());
    const otherSet = await service.me({ ...caller, permissions: new Set(['a_data']) });
    expect(otherSet).not.toBe(last);
    expect(otherSet).toEqual(last);
    const otherId = await service.me({ ...caller, sessionId: 'session-2' });
    expect(otherId.session?.id).toBe('session-2');
  });

  it('answers from what authentication read, and re-reads only for a context it did not build', async () => {
    const { service, state, reads, authState } = meScene();
    state.session = sessionState();
    const caller = { ...bob, sessionId: 'session-1', permissions: new Set(['a_data']) };
    const known = service.me(caller);
    expect(known).not.toBeInstanceOf(Promise);
    expect(reads).toEqual({ known: 1, reread: 0 });
    authState.knownStateOf = () => undefined;
    expect(await service.me(caller)).toEqual(known);
    expect(reads).toEqual({ known: 1, reread: 1 });
  });

  it('builds an API user’s answer on every request: its token status depends on the time', async () => {
    const { service, state } = meScene();
    state.user = { ...state.user, isApiUser: true, apiTokenId: 'token-1' };
    const caller = { ...bob, kind: 'api' as const, sessionId: undefined, permissions: new Set(['a_data']) };
    const first = await service.me(caller);
    expect(await service.me(caller)).not.toBe(first);
    expect(Object.isFrozen(first)).toBe(false);
  });

  it('lists the held permissions sorted, once per permission set', async () => {
    const { service } = meScene();
    const held = new Set(['z_data', 'portfolio_data']);
    const first = await service.me({ ...bob, kind: 'api', sessionId: undefined, permissions: held });
    const second = await service.me({ ...bob, kind: 'api', sessionId: undefined, permissions: held });
    expect(first.permissions).toEqual(['portfolio_data', 'z_data']);
    expect(second.permissions).toBe(first.permissions);
    const other = await service.me({ ...bob, permissions: new Set(['b_data', 'a_data']) });
    expect(other.permissions).toEqual(['a_data', 'b_data']);
  });

  it('lists the whole catalog for full_access', async () => {
    const { service } = meScene();
    const me = await service.me({ ...bob, permissions: new Set(['full_access']) });
    expect(me.permissions).toEqual(['a_data', 'full_access', 'z_data']);
    expect(me.session).toBeNull();
  });
});
