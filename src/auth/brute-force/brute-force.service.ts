import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { AppCache } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';
import type { ClientInfo } from '../../common/auth/auth-context.js';
import { Clock } from '../../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../../config/iam-options.js';
import { IamMetrics } from '../../metrics/iam-metrics.js';
import { AccountLockedError } from '../auth.errors.js';
import { UsersRepository } from '../../users/users.repository.js';
import {
  FAILURE_WINDOW_SECONDS,
  LOCK_MEMORY_SECONDS,
  type LockHint,
  lockSeconds,
  scopesOf,
  secondsLeft,
} from './lockout-policy.js';
import { LockoutRepository, type TakenSlot } from './lockout.repository.js';
import { failedAttemptEntry } from '../../audit/audit-entries.js';

/** How long an attempt waits for the checks in flight on its scope before it is refused. */
const IN_FLIGHT_WAIT_MS = 3_000;
const IN_FLIGHT_POLL_MS = 25;
const CLEANUP_EVERY_MS = 60_000;
const CLEANUP_GRACE_MS = 10 * 60_000;
const CLEANUP_BATCH = 1_000;

/** Someone proving they know a user's password: at login, or when changing it. */
export interface PasswordAttempt {
  /** As typed, lower-cased: unknown names are counted like known ones. */
  username: string;
  userId: number | null;
  client: ClientInfo;
}

interface Slot extends TakenSlot {
  kind: 'address' | 'user';
  threshold: number;
}

/** Failure slots taken before the password is checked, so parallel guesses can never overshoot. */
export interface Reservation {
  slots: Slot[];
  /** Set once the attempt's outcome was applied (failed, succeeded or released). */
  settled?: boolean;
}

/**
 * Brute-force protection: failures counted per (username, address) and per
 * username in PostgreSQL (login_lockouts), with atomic statements. A scope
 * that reaches its threshold is locked for a wait that doubles with each
 * lock, up to a cap. The cache holds only a copy of each lock's end, so a
 * locked scope is refused without a query; flushing or losing the cache
 * costs a query, never a lock or a count.
 */
@Injectable()
export class BruteForceService {
  private readonly logger = new Logger('BruteForce');
  private readonly base: number;
  private readonly max: number;
  private nextCleanupAt = 0;

  constructor(
    private readonly cache: AppCache,
    private readonly lockouts: LockoutRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    @Optional() private readonly metrics?: IamMetrics,
  ) {
    this.base = options.lockout.baseSeconds;
    this.max = options.lockout.maxSeconds;
  }

  /**
   * Refuses a locked attempt (429 ACCOUNT_LOCKED), or takes a failure slot
   * for it. Slots are taken before the password is checked, so at most the
   * threshold of checks run at once per scope: an attempt beyond them waits
   * for those in flight (right passwords give their slots back; wrong ones
   * end in a lock) and is refused only if the wait runs out.
   */
  async reserve(attempt: PasswordAttempt): Promise<Reservation> {
    // Real time, not the clock: this bounds how long a request is held.
    const giveUpAt = performance.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const outcome = await this.tryReserve(attempt);
      if (!('busyFor' in outcome)) return outcome;
      if (performance.now() >= giveUpAt) throw new AccountLockedError(outcome.busyFor);
      await sleep(IN_FLIGHT_POLL_MS + randomInt(IN_FLIGHT_POLL_MS));
    }
  }

  private async tryReserve(attempt: PasswordAttempt): Promise<Reservation | { busyFor: number }> {
    const scopes = scopesOf(attempt.username, attempt.client.ip ?? 'unknown');
    const hints = await this.cache.mget<LockHint>([CacheKeys.lock(scopes.pair), CacheKeys.lock(scopes.user)]);
    // The time is read after what it is compared with, so a lock set meanwhile never looks longer than it is.
    const now = this.clock.now();
    const hinted = Math.max(...hints.map((h) => secondsLeft(h, now)));
    if (hinted > 0) throw new AccountLockedError(hinted);

    const { thresholdPerAddress, thresholdPerUser } = this.options.lockout;
    const outcome = await this.lockouts.reserve(
      { scope: scopes.pair, threshold: thresholdPerAddress },
      { scope: scopes.user, threshold: thresholdPerUser },
      { now: new Date(now), windowEndsAt: new Date(now + FAILURE_WINDOW_SECONDS * 1000) },
    );
    if (outcome.taken) {
      const slots: Slot[] = [{ ...outcome.pair, kind: 'address', threshold: thresholdPerAddress }];
      if (outcome.user) slots.push({ ...outcome.user, kind: 'user', threshold: thresholdPerUser });
      return { slots };
    }
    return this.whyRefused(scopes);
  }

  /** A refused reservation: a lock (429 at once, and remembered in the cache) or a count full of checks in flight. */
  private async whyRefused(scopes: { pair: string; user: string }): Promise<{ busyFor: number }> {
    const states = await this.lockouts.states([scopes.pair, scopes.user]);
    const now = this.clock.now();
    const locked = states.filter((s) => s.lockedUntil && s.lockedUntil.getTime() > now);
    if (locked.length > 0) {
      await Promise.all(locked.map((s) => this.hint(s.scope, s.lockedUntil!.getTime(), now)));
      throw new AccountLockedError(
        Math.max(...locked.map((s) => secondsLeft({ until: s.lockedUntil!.getTime() }, now))),
      );
    }
    // Full, or changed since (then the next try decides): wait as long as the lock those checks may end in.
    const next = Math.max(1, ...states.map((s) => s.locks + 1));
    return { busyFor: lockSeconds(next, this.base, this.max) };
  }

  /** The password was wrong: the slot stays taken; the failure that reaches a threshold sets the lock. */
  async failed(reservation: Reservation, attempt: PasswordAttempt): Promise<void> {
    reservation.settled = true;
    // The database count is mirrored for every name, so an unknown one costs the same statement.
    await this.users.recordFailedLogin(attempt.username);
    for (const slot of reservation.slots) {
      if (slot.count === slot.threshold) await this.lock(slot, attempt);
    }
    await this.cleanUp();
  }

  /** The password was right and the login succeeded: the pair starts afresh, the user's slot is given back. */
  async succeeded(reservation: Reservation): Promise<void> {
    reservation.settled = true;
    const [pair, user] = reservation.slots;
    const hadLock = await this.lockouts.succeeded(pair.scope, new Date(this.clock.now()), user ?? null);
    // A hint follows its lock, and a lock that lost to this reset is never hinted: no lock, no hint to drop.
    if (hadLock) await this.cache.del(CacheKeys.lock(pair.scope));
  }

  /**
   * A password the caller must already know (their current one, to change it or their second factor), checked
   * under the same lock as a login: wrong counts as a failure, right gives the slot back. A check that could
   * not run (the service's own failure) gives the slot back too and throws: it was no guess.
   */
  async confirm(attempt: PasswordAttempt, check: () => Promise<boolean>): Promise<boolean> {
    const reservation = await this.reserve(attempt);
    let ok: boolean;
    try {
      ok = await check();
    } catch (err) {
      await this.released(reservation).catch(() => undefined);
      throw err;
    }
    if (ok) await this.released(reservation);
    else await this.failed(reservation, attempt);
    return ok;
  }

  /** The password was right but the attempt was refused for another reason: no guess to count. */
  async released(reservation: Reservation): Promise<void> {
    if (reservation.settled) return;
    reservation.settled = true;
    await this.giveBack(reservation.slots);
  }

  private async giveBack(slots: Slot[]): Promise<void> {
    for (const slot of slots) await this.lockouts.giveBack(slot);
  }

  private async lock(slot: Slot, attempt: PasswordAttempt): Promise<void> {
    const lockNumber = slot.locks + 1;
    const seconds = lockSeconds(lockNumber, this.base, this.max);
    const now = this.clock.now();
    const until = now + seconds * 1000;
    const locked = await this.lockouts.lock(slot, lockNumber, {
      now: new Date(now),
      lockedUntil: new Date(until),
      expiresAt: new Date(Math.max(until, now + LOCK_MEMORY_SECONDS * 1000)),
    });
    if (!locked) return;
    await this.hint(slot.scope, until, now);
    this.recordLock(attempt, slot.kind, seconds, lockNumber);
  }

  private hint(scope: string, until: number, now: number): Promise<void> {
    return this.cache.set<LockHint>(CacheKeys.lock(scope), { until }, Math.ceil((until - now) / 1000));
  }

  /**
   * Rows nobody needs any more (their count lapsed, their lock and its
   * memory are over) are removed in small batches on the path that creates
   * rows: once a minute per instance, or at every failure while a batch
   * comes back full, so the table keeps pace with the failures of the last
   * day. A few minutes' grace keeps a row an attempt in flight may still
   * give a slot back to.
   */
  private async cleanUp(): Promise<void> {
    const now = this.clock.now();
    if (now < this.nextCleanupAt) return;
    this.nextCleanupAt = now + CLEANUP_EVERY_MS;
    try {
      const removed = await this.lockouts.deleteExpired(new Date(now - CLEANUP_GRACE_MS), CLEANUP_BATCH);
      if (removed === CLEANUP_BATCH) this.nextCleanupAt = now;
    } catch (err) {
      this.logger.warn(`removing expired lockout rows failed: ${(err as Error).message}`);
    }
  }

  private recordLock(
    attempt: PasswordAttempt,
    scope: 'address' | 'user',
    seconds: number,
    lockNumber: number,
  ) {
    this.metrics?.lockout(scope);
    this.audit.recordDetached(
      failedAttemptEntry('auth.locked', attempt, {
        scope,
        lockSeconds: seconds,
        lockNumber,
      }),
    );
  }
}
