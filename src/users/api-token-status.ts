import type { UserRecord } from './user-record.js';

export type ApiTokenStatus = 'valid' | 'expiring' | 'expired' | 'never';

export const API_TOKEN_STATUSES: readonly ApiTokenStatus[] = ['valid', 'expiring', 'expired', 'never'];

const DAY_MS = 24 * 3600 * 1000;
/** A token with less than this left is `expiring`. */
export const EXPIRING_WITHIN_MS = 7 * DAY_MS;

/** -1 means a token that never expires. */
export const NEVER_EXPIRES = -1;

/** When a token issued now with this lifetime expires; null for one that never does. */
export function apiTokenExpiry(ttlDays: number, now: number): Date | null {
  return ttlDays === NEVER_EXPIRES ? null : new Date(now + ttlDays * DAY_MS);
}

/** The previous token's grace is running: it still works (unless its own expiry came first). */
export function inGrace(user: Pick<UserRecord, 'previousTokenValidUntil'>, now: number): boolean {
  return user.previousTokenValidUntil !== null && user.previousTokenValidUntil.getTime() > now;
}

/**
 * Null for regular users. An API user without a token id has no token that
 * can work: rows revoked when deactivation still ended tokens for good keep
 * the moment of revocation as their expiry.
 */
export function apiTokenStatus(
  user: Pick<UserRecord, 'isApiUser' | 'hasApiToken' | 'apiTokenExpiresAt'>,
  now: number,
): ApiTokenStatus | null {
  if (!user.isApiUser) return null;
  if (!user.hasApiToken) return 'expired';
  if (user.apiTokenExpiresAt === null) return 'never';
  const left = user.apiTokenExpiresAt.getTime() - now;
  if (left <= 0) return 'expired';
  return left < EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
}
