import { apiTokenStatus, inGrace } from './api-token-status.js';
import type { UserRecord } from './user-record.js';

export const HYGIENE_REASONS = [
  'never_logged_in',
  'repeated_failed_logins',
  'token_never_expires',
  'token_expired',
  'token_expiring',
  'inactive',
  'token_unused',
  'previous_token_in_use',
  'mfa_not_enrolled',
] as const;
export type HygieneReasonCode = (typeof HYGIENE_REASONS)[number];

export interface HygieneReason {
  code: HygieneReasonCode;
  message: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** The thresholds of the review; the repository's query selects with the same ones. */
export const HYGIENE = {
  neverLoggedInAfterDays: 30,
  failedLoginsAtLeast: 5,
  tokenUnusedForDays: 30,
} as const;

/** Since when an API token has gone unused: its last use, else its issue (rows from before tracking: creation). */
export function tokenIdleSince(user: UserRecord): Date {
  return user.apiTokenLastUsedAt ?? user.apiTokenIssuedAt ?? user.createdAt;
}

/** A regular user whose role requires a second factor and who has none yet. */
export function mfaMissing(user: Pick<UserRecord, 'isApiUser' | 'mfaEnabled' | 'roleRequiresMfa'>): boolean {
  return !user.isApiUser && user.roleRequiresMfa && !user.mfaEnabled;
}

/**
 * Why an account needs review. API users cannot log in, so "never logged
 * in" applies to regular users only.
 */
export function hygieneReasons(user: UserRecord, now: number): HygieneReason[] {
  const reasons: HygieneReason[] = [];
  const ageDays = Math.floor((now - user.createdAt.getTime()) / DAY_MS);
  const neverLoggedIn = !user.isApiUser && user.lastLoginAt === null;
  if (neverLoggedIn && now - user.createdAt.getTime() > HYGIENE.neverLoggedInAfterDays * DAY_MS) {
    reasons.push({ code: 'never_logged_in', message: `Never logged in; created ${ageDays} days ago` });
  }
  if (user.failedLoginCount >= HYGIENE.failedLoginsAtLeast) {
    reasons.push({
      code: 'repeated_failed_logins',
      message: `${user.failedLoginCount} failed logins since the last successful one`,
    });
  }
  const status = apiTokenStatus(user, now);
  if (status === 'never') {
    reasons.push({ code: 'token_never_expires', message: 'API token never expires' });
  } else if (status === 'expired') {
    reasons.push({
      code: 'token_expired',
      message: user.apiTokenExpiresAt
        ? `API token expired on ${user.apiTokenExpiresAt.toISOString()}`
        : 'API token was revoked',
    });
  } else if (status === 'expiring') {
    reasons.push({
      code: 'token_expiring',
      message: `API token expires on ${user.apiTokenExpiresAt!.toISOString()}`,
    });
  }
  if (user.isApiUser && user.hasApiToken) {
    const idle = tokenIdleSince(user);
    if (now - idle.getTime() > HYGIENE.tokenUnusedForDays * DAY_MS) {
      reasons.push({
        code: 'token_unused',
        message:
          `API token unused for ${HYGIENE.tokenUnusedForDays} days: ` +
          (user.apiTokenLastUsedAt ? `last used on ${idle.toISOString()}` : 'never used'),
      });
    }
  }
  // Used since the new token was issued: some system has not been moved to it yet.
  const issued = user.apiTokenIssuedAt?.getTime() ?? 0;
  if (
    inGrace(user, now) &&
    user.previousTokenLastUsedAt &&
    user.previousTokenLastUsedAt.getTime() >= issued
  ) {
    reasons.push({
      code: 'previous_token_in_use',
      message:
        `Previous token still in use: last used on ${user.previousTokenLastUsedAt.toISOString()}, ` +
        `works until ${user.previousTokenValidUntil!.toISOString()}`,
    });
  }
  if (!user.isActive) reasons.push({ code: 'inactive', message: 'Account is deactivated' });
  if (mfaMissing(user)) {
    reasons.push({ code: 'mfa_not_enrolled', message: 'Role requires MFA, not enrolled' });
  }
  return reasons;
}
