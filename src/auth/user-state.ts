import type { AuthUser } from '../users/user-record.js';

/** What the cache keeps per user: enough to accept or refuse a caller, and to answer /me, without the database. */
export interface CachedUser {
  id: number;
  username: string;
  email: string;
  roleName: string;
  roleDisplayName: string;
  isActive: boolean;
  isApiUser: boolean;
  mustChangePassword: boolean;
  mfaEnabled: boolean;
  roleRequiresMfa: boolean;
  apiTokenId: string | null;
  /** epoch ms, or null for a token that never expires */
  apiTokenExpiresAt: number | null;
  /** The token a regeneration with a grace replaced, and until when (epoch ms) it still works. */
  previousApiTokenId: string | null;
  previousTokenValidUntil: number | null;
  /** epoch ms, or null; as of the last read from the database (for /me, never for a decision) */
  apiTokenLastUsedAt: number | null;
  previousTokenLastUsedAt: number | null;
  /** epoch ms */
  createdAt: number;
  /** epoch ms, or null */
  lastLoginAt: number | null;
}

/** A regular user whose role requires a second factor and who has none: their sessions may only enrol. */
export function mfaEnrollmentRequired(
  user: Pick<CachedUser, 'isApiUser' | 'mfaEnabled' | 'roleRequiresMfa'>,
) {
  return !user.isApiUser && user.roleRequiresMfa && !user.mfaEnabled;
}

export function cachedUserOf(row: AuthUser): CachedUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    roleName: row.roleName,
    roleDisplayName: row.roleDisplayName,
    isActive: row.isActive,
    isApiUser: row.isApiUser,
    mustChangePassword: row.mustChangePassword,
    mfaEnabled: row.mfaEnabled,
    roleRequiresMfa: row.roleRequiresMfa,
    apiTokenId: row.apiTokenId,
    apiTokenExpiresAt: row.apiTokenExpiresAt?.getTime() ?? null,
    previousApiTokenId: row.previousApiTokenId,
    previousTokenValidUntil: row.previousTokenValidUntil?.getTime() ?? null,
    apiTokenLastUsedAt: row.apiTokenLastUsedAt?.getTime() ?? null,
    previousTokenLastUsedAt: row.previousTokenLastUsedAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
    lastLoginAt: row.lastLoginAt?.getTime() ?? null,
  };
}
