import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

const COLUMNS = `scope, failures, locks, window_ends_at AS "windowEndsAt", locked_until AS "lockedUntil"`;

/**
 * The only place that queries login_lockouts: brute-force counts and locks,
 * per scope. Every change is one atomic statement (a reservation and a
 * success call the database functions of their migration), so parallel
 * attempts can never count past a threshold.
 */
@Injectable()
export class LockoutRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes a failure slot in the pair scope, and in the user scope while the
   * pair has never locked, all or none: refused when either is locked or its
   * count is full. One statement: the database function login_lockout_reserve
   * (migration LoginLockoutReserveFunction) applies that rule and takes the
   * rows pair first, then user, as every caller does, so two reservations can
   * wait for each other but never deadlock.
   */
  async reserve(pair: ScopeAsk, user: ScopeAsk, times: ReserveTimes): Promise<ReserveOutcome> {
    const rows = (await this.dataSource.query(
      `SELECT slot_scope AS scope, slot_epoch AS epoch, slot_count AS "count", slot_locks AS locks
         FROM login_lockout_reserve($1, $2, $3, $4, $5, $6)`,
      [pair.scope, pair.threshold, user.scope, user.threshold, times.now, times.windowEndsAt],
    )) as TakenSlot[];
    if (rows.length === 0) return { taken: false };
    return { taken: true, pair: rows[0], user: rows[1] ?? null };
  }

  /** The stored state of these scopes (absent ones are left out). */
  async states(scopes: string[]): Promise<ScopeState[]> {
    return (await this.dataSource.query(
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

  /**
   * A success: the pair has no count, no lock and no memory of earlier locks
   * (the row is left for the cleanup), and the user's slot, if one was taken,
   * is given back. One call of login_lockout_succeeded, pair first. Answers
   * whether the pair had a lock on record: only then can a lock hint for it be
   * in the cache.
   */
  async succeeded(pairScope: string, now: Date, userSlot: TakenSlot | null): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT login_lockout_succeeded($1, $2, $3, $4) AS had_lock`, [
      pairScope,
      now,
      userSlot?.scope ?? null,
      userSlot?.epoch ?? null,
    ])) as { had_lock: boolean }[];
    return row?.had_lock === true;
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
