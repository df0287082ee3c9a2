/** What the cache keeps per session: enough to accept or refuse a token, and to show the session, without the database. */
export interface CachedSession {
  userId: number;
  /** epoch ms */
  expiresAt: number;
  revoked: boolean;
  /** epoch ms, or 0 */
  lastSeenAt: number;
  /** epoch ms */
  createdAt: number;
  rememberMe: boolean;
  ip: string | null;
  userAgent: string | null;
}
