import { TokenExpiredError, TokenRevokedError } from './auth.errors.js';
import type { CachedSession } from '../sessions/session-state.js';
import type { CachedUser } from './user-state.js';

/**
 * A session token's caller, as read: refused unless the session and its user are both still current.
 * `now` is the clock's time: the session's stored expiry is judged by it.
 */
export function checkSession(
  session: CachedSession | null,
  user: CachedUser | null,
  userId: number,
  deactivationEndsSessions: boolean,
  now: number,
): void {
  if (!session || session.userId !== userId) throw new TokenRevokedError('Session not found');
  if (session.revoked) throw new TokenRevokedError('Session has been revoked');
  if (session.expiresAt <= now) throw new TokenExpiredError('Session has expired');
  if (!user) throw new TokenRevokedError('Account no longer exists');
  if (user.isApiUser) throw new TokenRevokedError('API users have no sessions');
  if (!user.isActive && deactivationEndsSessions) throw new TokenRevokedError('Account is deactivated');
}

/**
 * An API token's caller: the current token until its stored expiry, or the previous one while its grace
 * runs, both judged at `now`, the clock's time (a previous token's own expiry is the signature's `exp`).
 * Answers whether it was the previous.
 */
export function checkApiToken(user: CachedUser | null, tokenId: string, now: number): boolean {
  if (!user || !user.isApiUser) throw new TokenRevokedError('API token is no longer valid');
  const current = user.apiTokenId !== null && user.apiTokenId === tokenId;
  const previous = !current && !!user.previousApiTokenId && user.previousApiTokenId === tokenId;
  if (!current && !previous) throw new TokenRevokedError('API token is no longer valid');
  if (previous && !(user.previousTokenValidUntil! > now)) {
    throw new TokenRevokedError('API token was replaced and its grace has ended');
  }
  if (!user.isActive) throw new TokenRevokedError('Account is deactivated');
  if (current && user.apiTokenExpiresAt !== null && user.apiTokenExpiresAt <= now) {
    throw new TokenExpiredError('API token has expired');
  }
  return previous;
}
