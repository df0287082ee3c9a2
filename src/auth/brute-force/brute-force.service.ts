import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { AppCache, CacheUnavailableError } from '../../cache/app-cache.js';
import { CacheKeys } from '../../cache/cache-keys.js';
import type { ClientInfo } from '../../common/auth/auth-context.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { IAM_OPTIONS, type IamOptions } from '../../config/iam-options.js';
import { IamMetrics } from '../../metrics/iam-metrics.js';
import { AuthUsersRepository, type LockoutRule } from '../auth-users.repository.js';
import {
  FAILURE_WINDOW_SECONDS,
  LOCK_MEMORY_SECONDS,
  type LockRecord,
  lockSeconds,
  scopesOf,
  secondsLeft,
} from './lockout-policy.js';

/** How long an attempt waits for the checks in flight on its scope before it is refused. */
const IN_FLIGHT_WAIT_MS = 3_000;
const IN_FLIGHT_POLL_MS = 25;

export class AccountLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('ACCOUNT_LOCKED', 'Too many failed attempts; try again later', {
      retryAfterSeconds: Math.max(1, retryAfterSeconds),
    });
  }
}

/** Someone proving they know a user's password: at login, or when changing it. */
export interface PasswordAttempt {
  /** As typed, lower-cased: unknown names are counted like known ones. */
  username: string;
  userId: number | null;
  client: ClientInfo;
}

interface Slot {
  scope: string;
  kind: 'address' | 'user';
  epoch: number;
  locks: number;
  count: number;
  threshold: number;
}

/** A failure slot taken before the password is checked, so parallel guesses can never overshoot. */
export type Reservation = (
  { mode: 'cache'; slots: Slot[] } | { mode: 'database'; userId: number; count: number } | { mode: 'none' }
) & {
  /** Set once the attempt's outcome was applied (failed, succeeded or released). */
  settled?: boolean;
};

/**
 * Brute-force protection: failures counted per (username, address) and per
 * username with atomic counters in the cache, mirrored to
 * users.failed_login_count, which also counts on its own when the cache is
 * down. A scope that reaches its threshold is locked for a wait that doubles
 * with each lock, up to a cap.
 */
@Injectable()
export class BruteForceService {
  private readonly base: number;
  private readonly max: number;

  constructor(
    private readonly cache: AppCache,
    private readonly users: AuthUsersRepository,
    private readonly audit: AuditService,
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
    const giveUpAt = Date.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const outcome = await this.tryReserve(attempt);
      if (!('busyFor' in outcome)) return outcome;
      if (Date.now() >= giveUpAt) throw new AccountLockedError(outcome.busyFor);
      await sleep(IN_FLIGHT_POLL_MS + randomInt(IN_FLIGHT_POLL_MS));
    }
  }

  private async tryReserve(attempt: PasswordAttempt): Promise<Reservation | { busyFor: number }> {
    const scopes = scopesOf(attempt.username, attempt.client.ip ?? 'unknown');
    const [pairLock, userLock] = await this.cache.mget<LockRecord>([
      CacheKeys.lock(scopes.pair),
      CacheKeys.lock(scopes.user),
    ]);
    const now = Date.now();
    const wait = Math.max(secondsLeft(pairLock, now), secondsLeft(userLock, now));
    if (wait > 0) throw new AccountLockedError(wait);

    const pairEpoch = pairLock?.epoch ?? 0;
    const userEpoch = userLock?.epoch ?? 0;
    // One address adds to the per-user count only until its first lock: alone, it can
    // never lock the user out of every other address.
    const countsForUser = (pairLock?.locks ?? 0) === 0;
    const { thresholdPerAddress, thresholdPerUser } = this.options.lockout;
    try {
      const [pairCount, userCount] = await Promise.all([
        this.cache.incr(CacheKeys.loginFailures(scopes.pair, pairEpoch), FAILURE_WINDOW_SECONDS),
        countsForUser
          ? this.cache.incr(CacheKeys.loginFailures(scopes.user, userEpoch), FAILURE_WINDOW_SECONDS)
          : Promise.resolve(0),
      ]);
      const slots: Slot[] = [
        {
          scope: scopes.pair,
          kind: 'address',
          epoch: pairEpoch,
          locks: pairLock?.locks ?? 0,
          count: pairCount,
          threshold: thresholdPerAddress,
        },
      ];
      if (countsForUser) {
        slots.push({
          scope: scopes.user,
          kind: 'user',
          epoch: userEpoch,
          locks: userLock?.locks ?? 0,
          count: userCount,
          threshold: thresholdPerUser,
        });
      }
      const over = slots.filter((s) => s.count > s.threshold);
      if (over.length === 0) return { mode: 'cache', slots };
      // No guess was made: give the slots back.
      await this.giveBack(slots);
      return { busyFor: Math.max(...over.map((s) => lockSeconds(s.locks + 1, this.base, this.max))) };
    } catch (err) {
      if (!(err instanceof CacheUnavailableError)) throw err;
      return this.reserveInDatabase(attempt);
    }
  }

  /** The password was wrong: the slot stays taken; the failure that reaches a threshold sets the lock. */
  async failed(reservation: Reservation, attempt: PasswordAttempt): Promise<void> {
    reservation.settled = true;
    if (reservation.mode === 'database') {
      const rule = this.databaseRule();
      if (reservation.count >= rule.threshold) {
        const seconds = lockSeconds(reservation.count - rule.threshold + 1, this.base, this.max);
        this.recordLock(attempt, 'user', seconds, reservation.count - rule.threshold + 1);
      }
      return;
    }
    // The database count is mirrored for every name, so an unknown one costs the same statement.
    await this.users.recordFailure(attempt.username);
    if (reservation.mode !== 'cache') return;
    for (const slot of reservation.slots) {
      if (slot.count === slot.threshold) await this.lock(slot, attempt);
    }
  }

  /** The password was right and the login succeeded: the pair starts afresh, the user's slot is given back. */
  async succeeded(reservation: Reservation): Promise<void> {
    reservation.settled = true;
    if (reservation.mode !== 'cache') return;
    const [pair, ...rest] = reservation.slots;
    const fresh: LockRecord = { epoch: pair.epoch + 1, locks: 0, until: 0 };
    await Promise.all([
      this.cache.set(CacheKeys.lock(pair.scope), fresh, LOCK_MEMORY_SECONDS),
      this.giveBack(rest),
    ]);
  }

  /** The password was right but the attempt was refused for another reason: no guess to count. */
  async released(reservation: Reservation): Promise<void> {
    if (reservation.settled) return;
    reservation.settled = true;
    if (reservation.mode === 'cache') await this.giveBack(reservation.slots);
    else if (reservation.mode === 'database') await this.users.releaseFailure(reservation.userId);
  }

  private async reserveInDatabase(attempt: PasswordAttempt): Promise<Reservation> {
    if (attempt.userId === null) return { mode: 'none' };
    const rule = this.databaseRule();
    const count = await this.users.reserveFailure(attempt.userId, rule);
    if (count === null) throw new AccountLockedError(await this.users.lockSecondsLeft(attempt.userId, rule));
    return { mode: 'database', userId: attempt.userId, count };
  }

  // Without the cache there is no per-address count: the per-user threshold applies to every address.
  private databaseRule(): LockoutRule {
    return { threshold: this.options.lockout.thresholdPerUser, baseSeconds: this.base, maxSeconds: this.max };
  }

  private async giveBack(slots: Slot[]): Promise<void> {
    await Promise.all(
      slots.map((s) => this.cache.decr(CacheKeys.loginFailures(s.scope, s.epoch)).catch(() => 0)),
    );
  }

  private async lock(slot: Slot, attempt: PasswordAttempt): Promise<void> {
    const locks = slot.locks + 1;
    const seconds = lockSeconds(locks, this.base, this.max);
    const record: LockRecord = { epoch: slot.epoch + 1, locks, until: Date.now() + seconds * 1000 };
    await this.cache.set(CacheKeys.lock(slot.scope), record, Math.max(seconds, LOCK_MEMORY_SECONDS));
    this.recordLock(attempt, slot.kind, seconds, locks);
  }

  private recordLock(
    attempt: PasswordAttempt,
    scope: 'address' | 'user',
    seconds: number,
    lockNumber: number,
  ) {
    this.metrics?.lockout(scope);
    this.audit.recordDetached({
      action: 'auth.locked',
      actor: null,
      target: { type: 'user', id: attempt.userId, label: attempt.username },
      client: attempt.client,
      outcome: 'failure',
      details: { scope, lockSeconds: seconds, lockNumber },
    });
  }
}
