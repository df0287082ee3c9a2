import { normalizeIp } from '@nestjs/throttler';

/** How long a failure counts towards a lock. */
export const FAILURE_WINDOW_SECONDS = 3600;
/** How long a scope remembers its locks, so each new lock waits twice as long as the last. */
export const LOCK_MEMORY_SECONDS = 24 * 3600;

/**
 * What the cache keeps per locked scope: a copy of the database's
 * `locked_until`, so that attempts during a lock are refused without a
 * query. It is only ever a copy: its absence means "ask the database".
 */
export interface LockHint {
  /** epoch ms */
  until: number;
}

/** The n-th lock (1-based) waits base · 2^(n-1) seconds, never more than max. */
export function lockSeconds(lockNumber: number, baseSeconds: number, maxSeconds: number): number {
  const exponent = Math.min(Math.max(lockNumber - 1, 0), 30);
  return Math.min(baseSeconds * 2 ** exponent, maxSeconds);
}

/** Whole seconds left of a lock (0 when none or over). */
export function secondsLeft(hint: LockHint | undefined, now: number): number {
  if (!hint || !(hint.until > now)) return 0;
  return Math.ceil((hint.until - now) / 1000);
}

/**
 * The two counting scopes of a login attempt. The username is encoded so it
 * can never run into the address part; an IPv6 address counts per /64, the
 * block one client usually holds.
 */
export function scopesOf(username: string, address: string): { pair: string; user: string } {
  const name = encodeURIComponent(username);
  return { pair: `pair:${name}:${normalizeIp(address, 64)}`, user: `user:${name}` };
}
