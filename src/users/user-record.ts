/**
 * A user as the service works with it: the row without its password hash or
 * token id (only whether a token exists), with its role's display name and
 * permissions read in the same query.
 */
export interface UserRecord {
  id: number;
  username: string;
  email: string;
  roleName: string;
  roleDisplayName: string;
  rolePermissions: string[];
  isActive: boolean;
  isApiUser: boolean;
  apiTokenTtlDays: number | null;
  hasApiToken: boolean;
  apiTokenExpiresAt: Date | null;
  apiTokenIssuedAt: Date | null;
  apiTokenLastUsedAt: Date | null;
  /** Whether a previous token exists (its grace may have run out); never its id. */
  hasPreviousToken: boolean;
  previousTokenValidUntil: Date | null;
  previousTokenLastUsedAt: Date | null;
  mustChangePassword: boolean;
  mfaEnabled: boolean;
  /** The user's role requires a second factor. */
  roleRequiresMfa: boolean;
  failedLoginCount: number;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/**
 * A user as authentication reads it: the record with its token ids, which
 * only the auth module compares (never shown, never audited).
 */
export interface AuthUser extends UserRecord {
  apiTokenId: string | null;
  previousApiTokenId: string | null;
}

/** A user as a login checks it: with the password hash. */
export interface LoginUser extends AuthUser {
  passwordHash: string | null;
}

/** The columns a change may set; the repository maps them to SQL. */
export interface UserChanges {
  email?: string;
  roleName?: string;
  isActive?: boolean;
  isApiUser?: boolean;
  apiTokenTtlDays?: number | null;
  apiTokenId?: string | null;
  apiTokenExpiresAt?: Date | null;
  /** Only ever set to null here (the end of a grace); a rotation has its own statement. */
  previousApiTokenId?: null;
  previousTokenValidUntil?: null;
  passwordHash?: string | null;
  mustChangePassword?: boolean;
  /** Set by MFA enrolment and reset, with the rows of the MFA tables. */
  mfaEnabled?: boolean;
}
