import type { EntityManager } from 'typeorm';
import type { AuditService } from '../../src/audit/audit.service.js';
import type { AuditEntryInput } from '../../src/audit/audit.types.js';
import type { AuthContext, ClientInfo } from '../../src/common/auth/auth-context.js';
import type { Clock } from '../../src/common/clock.js';
import { AccountLockedError } from '../../src/auth/auth.errors.js';
import { BruteForceService, type Reservation } from '../../src/auth/brute-force/brute-force.service.js';
import type { Tx, TransactionRunner } from '../../src/database/transaction.js';
import type { PasswordHasher } from '../../src/users/password-hasher.js';
import type { SessionsService } from '../../src/sessions/sessions.service.js';
import type { LoginUser, UserChanges, UserRecord } from '../../src/users/user-record.js';
import { UserNotFoundError } from '../../src/users/users.errors.js';
import type { RoleRef, RolesRepository } from '../../src/roles/roles.repository.js';
import { PasswordPolicy } from '../../src/users/password-policy.js';
import { UserChangeRunner } from '../../src/users/user-change-runner.js';
import type { NewUser } from '../../src/users/user-rows.js';
import type { UsersRepository } from '../../src/users/users.repository.js';

/**
 * Hand-made fakes of the collaborators the services share, for unit specs that
 * build a service directly. They write one ordered log, so a spec can say
 * what happened inside the transaction and what only after its commit.
 */

export const NOW = Date.UTC(2030, 0, 15, 12);
export const client: ClientInfo = { ip: '203.0.113.7', userAgent: 'spec' };

/** The manager every fake transaction hands out: a repository call made with it ran inside the transaction. */
export const txManager = { inTransaction: true } as unknown as EntityManager;

export function caller(over: Partial<AuthContext> = {}): AuthContext {
  return {
    userId: 1,
    username: 'admin',
    roleName: 'administrator',
    permissions: new Set(['full_access']),
    kind: 'session',
    sessionId: 'session-1',
    mustChangePassword: false,
    ...over,
  };
}

export function userRecord(over: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 7,
    username: 'bob',
    email: 'bob@example.com',
    roleName: 'readers',
    roleDisplayName: 'Readers',
    rolePermissions: ['portfolio_data'],
    isActive: true,
    isApiUser: false,
    apiTokenTtlDays: null,
    hasApiToken: false,
    apiTokenExpiresAt: null,
    apiTokenIssuedAt: null,
    apiTokenLastUsedAt: null,
    hasPreviousToken: false,
    previousTokenValidUntil: null,
    previousTokenLastUsedAt: null,
    mustChangePassword: false,
    mfaEnabled: false,
    roleRequiresMfa: false,
    failedLoginCount: 0,
    lastLoginAt: null,
    createdAt: new Date(NOW - 86_400_000),
    ...over,
  };
}

export function loginUser(over: Partial<LoginUser> = {}): LoginUser {
  return {
    ...userRecord(),
    apiTokenId: null,
    previousApiTokenId: null,
    passwordHash: hashOf('Correct-horse-9'),
    ...over,
  };
}

export const fixedClock = (now = NOW) => ({ now: () => now }) as Clock;

/** What the fake hasher stores for a password: readable, so a spec can tell which password was hashed. */
export const hashOf = (password: string) => `hash(${password})`;

export interface FakeHasher {
  hasher: PasswordHasher;
  /** The passwords checked against the dummy hash (unknown user, or one without a password). */
  dummyChecks: string[];
  hashed: string[];
}

export function fakeHasher(opts: { needsRehash?: boolean } = {}): FakeHasher {
  const dummyChecks: string[] = [];
  const hashed: string[] = [];
  const hasher = {
    concurrency: 1,
    hash: async (password: string) => {
      hashed.push(password);
      return hashOf(password);
    },
    verify: async (hash: string, password: string) => hash === hashOf(password),
    verifyDummy: async (password: string) => {
      dummyChecks.push(password);
      return false;
    },
    needsRehash: () => opts.needsRehash ?? false,
  } as unknown as PasswordHasher;
  return { hasher, dummyChecks, hashed };
}

/**
 * A transaction runner that runs the work at once, then its after-commit
 * callbacks; when the work throws, nothing commits and the callbacks are dropped.
 */
export function fakeTransactions(log: string[]) {
  const state = { runs: 0, commits: 0 };
  const runner = {
    run: async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
      state.runs += 1;
      const hooks: (() => unknown)[] = [];
      const result = await work({ manager: txManager, afterCommit: (fn) => void hooks.push(fn) });
      state.commits += 1;
      log.push('commit');
      for (const hook of hooks) await hook();
      return result;
    },
  } as unknown as TransactionRunner;
  return { runner, state };
}

export function fakeAudit(log: string[]) {
  const entries: AuditEntryInput[] = [];
  const detached: AuditEntryInput[] = [];
  const managers: unknown[] = [];
  const audit = {
    record: async (entry: AuditEntryInput, manager: unknown) => {
      entries.push(entry);
      managers.push(manager);
      log.push(`audit:${entry.action}`);
    },
    recordDetached: (entry: AuditEntryInput) => void detached.push(entry),
  } as unknown as AuditService;
  return { audit, entries, detached, managers };
}

export interface RevokeAllCall {
  userId: number;
  except?: string;
}

/** Sessions: every revocation ends `revoked` sessions; evictions and inserted rows are kept. */
export function fakeSessions(log: string[], opts: { revoked?: number; live?: unknown } = {}) {
  const revokedAll: RevokeAllCall[] = [];
  const revokedOne: { sessionId: string; userId: number }[] = [];
  const evicted: number[] = [];
  const inserted: Record<string, unknown>[] = [];
  const sessions = {
    revokeAllForUser: async (userId: number, _tx: Tx, except?: string) => {
      revokedAll.push(except === undefined ? { userId } : { userId, except });
      log.push(`revoke-all:${userId}`);
      return opts.revoked ?? 0;
    },
    revokeOne: async (sessionId: string, userId: number) => {
      revokedOne.push({ sessionId, userId });
      log.push(`revoke:${sessionId}`);
      return true;
    },
    evictUser: async (id: number) => {
      evicted.push(id);
      log.push(`evict:${id}`);
    },
    repository: {
      insert: async (row: Record<string, unknown>) => {
        inserted.push(row);
        log.push('session-inserted');
      },
      findById: async () => opts.live ?? null,
    },
  } as unknown as SessionsService;
  return { sessions, revokedAll, revokedOne, evicted, inserted };
}

export interface RepositoryWrite {
  op: 'insert' | 'update' | 'delete' | 'rotateToken' | 'recordLogin';
  id: number;
  value?: unknown;
  manager?: unknown;
}

/**
 * The users table with one user in it (or none), and the answers a spec
 * chooses for the uniqueness checks. Every write is kept.
 */
export function fakeUsersRepository(
  log: string[],
  opts: {
    user?: LoginUser | null;
    /** The row as locked in the transaction, when it changed since the first read. */
    locked?: UserRecord;
    taken?: { username: boolean; email: boolean };
    emailTakenByOther?: boolean;
  } = {},
) {
  const writes: RepositoryWrite[] = [];
  let current = opts.user === undefined ? loginUser() : opts.user;
  const write = (w: RepositoryWrite) => {
    writes.push(w);
    log.push(`${w.op}:${w.id}`);
  };
  const repo = {
    findById: async () => current,
    lockedUser: async () => {
      if (!current) throw new UserNotFoundError();
      return opts.locked ?? current;
    },
    findForLogin: async (username: string) => (current?.username === username ? current : null),
    passwordHashOf: async () => current?.passwordHash ?? null,
    findTaken: async () => opts.taken ?? { username: false, email: false },
    emailTakenByOther: async () => opts.emailTakenByOther ?? false,
    insert: async (value: NewUser, manager: unknown) => {
      const id = 8;
      write({ op: 'insert', id, value, manager });
      current = loginUser({ ...value, id, roleDisplayName: value.roleName, hasApiToken: !!value.apiTokenId });
      return id;
    },
    update: async (id: number, value: UserChanges, manager: unknown) => {
      write({ op: 'update', id, value, manager });
      if (current) current = { ...current, ...value } as LoginUser;
    },
    delete: async (id: number, manager: unknown) => write({ op: 'delete', id, manager }),
    rotateToken: async (id: number, next: unknown, validUntil: Date | null, manager: unknown) =>
      write({ op: 'rotateToken', id, value: { next, validUntil }, manager }),
    recordLogin: async (id: number, manager: unknown, rehashed?: string) => {
      write({ op: 'recordLogin', id, value: rehashed, manager });
      return new Date(NOW);
    },
  } as unknown as UsersRepository;
  return { repo, writes };
}

/** The roles table as a user change reads it. Every lookup is kept, with whether it held the role. */
export function fakeRolesRepository(
  opts: {
    roles?: RoleRef[];
    /** Answers in turn, where a role changes between two reads. */
    roleReads?: (RoleRef | null)[];
  } = {},
) {
  const roleLookups: { name: string; share: boolean }[] = [];
  const rolesRepo = {
    findRef: async (name: string, _m?: unknown, share = false) => {
      roleLookups.push({ name, share });
      if (opts.roleReads?.length) return opts.roleReads.shift()!;
      return opts.roles?.find((r) => r.name === name) ?? null;
    },
  } as unknown as RolesRepository;
  return { rolesRepo, roleLookups };
}

/** Brute-force protection as its callers see it: each outcome settles the reservation and is logged. */
export function fakeBruteForce(log: string[], opts: { locked?: boolean } = {}) {
  const outcomes: string[] = [];
  const settle = (outcome: string) => async (r: Reservation) => {
    r.settled = true;
    outcomes.push(outcome);
    log.push(`brute-force:${outcome}`);
  };
  const bruteForce = {
    reserve: async () => {
      if (opts.locked) throw new AccountLockedError(30);
      return { slots: [] } as Reservation;
    },
    failed: settle('failed'),
    released: settle('released'),
    succeeded: settle('succeeded'),
    // The service's own sequence, over the fake's steps.
    confirm: BruteForceService.prototype.confirm,
  } as unknown as BruteForceService;
  return { bruteForce, outcomes };
}

/** The collaborators most services share, writing one log: transactions, audit, sessions and the hasher. */
export function sharedFakes(opts: { revoked?: number; live?: unknown; needsRehash?: boolean } = {}) {
  const log: string[] = [];
  const tx = fakeTransactions(log);
  const audit = fakeAudit(log);
  const sessions = fakeSessions(log, opts);
  return { log, runner: tx.runner, tx: tx.state, ...audit, ...sessions, hasher: fakeHasher(opts) };
}

/**
 * The shared fakes and a users repository, and `deps`: the collaborators the
 * users module's services take first, in their constructors' order.
 */
export function userServiceFakes(
  opts: Parameters<typeof fakeUsersRepository>[1] & { revoked?: number } = {},
) {
  const f = sharedFakes(opts);
  const users = fakeUsersRepository(f.log, opts);
  const changes = new UserChangeRunner(users.repo, f.runner, f.audit, f.sessions);
  return { ...f, ...users, changes, policy: new PasswordPolicy() };
}

/** The audit entry of a successful change made by `actor` to user `target`, from the specs' client. */
export function successEntry(
  action: string,
  actor: { id: number; username: string },
  target: { id: number; username: string },
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    action,
    actor,
    target: { type: 'user', id: target.id, label: target.username },
    client,
    outcome: 'success',
    details,
  };
}
