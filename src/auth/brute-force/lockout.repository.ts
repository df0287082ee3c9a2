import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { countsForUser } from './lockout-policy.js';
import { returnedRows } from '../../database/returned-rows.js';

/** A scope asked for a failure slot, with the count at which it locks. */
export interface ScopeAsk {
  scope: string;
  threshold: number;
}

/** A failure slot taken in one scope. */
export interface TakenSlot {
  scope: string;
  /** Generation of the count the slot was taken in. */
  epoch: number;
  /** The count with this slot, at most the threshold. */
  count: number;
  /** Locks the scope has had since it was last reset. */
  locks: number;
}

/** A scope as stored, for telling a lock from a full count. */
export interface ScopeState {
  scope: string;
  failures: number;
  locks: number;
  /** The count lapses then (a full count past it is no longer full). */
  windowEndsAt: Date;
  lockedUntil: Date | null;
}

export interface ReserveTimes {
  now: Date;
  /** When a count started now lapses. */
  windowEndsAt: Date;
}

export type ReserveOutcome = { taken: true; pair: TakenSlot; user: TakenSlot | null } | { taken: false };

/** Thrown inside the reservation's transaction to undo a slot already taken. */
class Refused extends Error {}

const COLUMNS = `scope, failures, locks, window_ends_at AS "windowEndsAt", locked_until AS "lockedUntil"`;

/**
 * The only place that queries login_lockouts: brute-force counts and locks,
 * per scope. Every change is one atomic statement (or, for a reservation,
 * one transaction), so parallel attempts can never count past a threshold.
 */
@Injectable()
export class LockoutRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes a failure slot in the pair scope, and in the user scope while the
   * pair has never locked (countsForUser), all or none: refused when either
   * is locked or its count is full. Rows are locked pair first, then user,
   * in every caller, so two reservations can wait for each other but never
   * deadlock.
   */
  async reserve(pair: ScopeAsk, user: ScopeAsk, times: ReserveTimes): Promise<ReserveOutcome> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const p = await this.take(m, pair, times);
        if (!p) throw new Refused();
        if (countsForUser(p.locks)) {
          const u = await this.take(m, user, times);
          if (!u) throw new Refused();
          return { taken: true as const, pair: p, user: u };
        }
        const [u] = await this.states([user.scope], m);
        if (u?.lockedUntil && u.lockedUntil > times.now) throw new Refused();
        return { taken: true as const, pair: p, user: null };
      });
    } catch (err) {
      if (err instanceof Refused) return { taken: false };
      throw err;
    }
  }

  /**
   * One slot, atomically: a lapsed count starts afresh (a new generation),
   * a row past its expiry forgets its locks too; a locked scope or a full
   * count changes nothing and answers null.
   */
  private async take(m: EntityManager, ask: ScopeAsk, times: ReserveTimes): Promise<TakenSlot | null> {
    const result = await m.query(
      `INSERT INTO login_lockouts AS l (scope, epoch, failures, window_ends_at, locks, locked_until, expires_at)
       VALUES ($1, 0, 1, $3, 0, NULL, $3)
       ON CONFLICT (scope) DO UPDATE SET
         epoch = CASE WHEN l.window_ends_at <= $2 THEN l.epoch + 1 ELSE l.epoch END,
         failures = CASE WHEN l.window_ends_at <= $2 THEN 1 ELSE l.failures + 1 END,
         window_ends_at = CASE WHEN l.window_ends_at <= $2 THEN $3 ELSE l.window_ends_at END,
         locks = CASE WHEN l.expires_at <= $2 THEN 0 ELSE l.locks END,
         expires_at = GREATEST(l.expires_at, $3)
       WHERE (l.locked_until IS NULL OR l.locked_until <= $2)
         AND (l.window_ends_at <= $2 OR l.failures < $4)
       RETURNING l.scope, l.epoch, l.failures AS "count", l.locks`,
      [ask.scope, times.now, times.windowEndsAt, ask.threshold],
    );
    return returnedRows<TakenSlot>(result)[0] ?? null;
  }

  /** The stored state of these scopes (absent ones are left out). */
  async states(scopes: string[], manager?: EntityManager): Promise<ScopeState[]> {
    return (await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM login_lockouts WHERE scope = ANY($1::text[])`,
      [scopes],
    )) as ScopeState[];
  }

  /**
   * Locks the scope as its `lockNumber`-th lock and starts a new count,
   * unless the count the slot was taken in is gone already (a success reset
   * the scope meanwhile). Answers whether it locked.
   */
  async lock(
    slot: TakenSlot,
    lockNumber: number,
    at: { now: Date; lockedUntil: Date; expiresAt: Date },
  ): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE login_lockouts
          SET epoch = epoch + 1, failures = 0, window_ends_at = $3, locks = $6,
              locked_until = $4, expires_at = GREATEST(expires_at, $5)
        WHERE scope = $1 AND epoch = $2
        RETURNING scope`,
      [slot.scope, slot.epoch, at.now, at.lockedUntil, at.expiresAt, lockNumber],
    );
    return returnedRows(result).length > 0;
  }

  /** Gives a slot back to the count it was taken from, if that count is still the current one. */
  async giveBack(slot: TakenSlot): Promise<void> {
    await this.dataSource.query(
      `UPDATE login_lockouts SET failures = failures - 1 WHERE scope = $1 AND epoch = $2 AND failures > 0`,
      [slot.scope, slot.epoch],
    );
  }

  /** A success: no count, no lock, no memory of earlier locks; the row is left for the cleanup. */
  async reset(scope: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE login_lockouts
          SET epoch = epoch + 1, failures = 0, locks = 0, locked_until = NULL, window_ends_at = $2, expires_at = $2
        WHERE scope = $1`,
      [scope, now],
    );
  }

  /**
   * Deletes up to `limit` rows that expired before `before`. The expiry is
   * checked again on the row being deleted, so a row revived meanwhile stays.
   */
  async deleteExpired(before: Date, limit: number): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM login_lockouts l
        WHERE l.scope IN (SELECT scope FROM login_lockouts WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)
          AND l.expires_at < $1
        RETURNING l.scope`,
      [before, limit],
    );
    return returnedRows(result).length;
  }
}
