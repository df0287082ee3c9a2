import {
  FOREIGN_KEY_VIOLATION,
  sqlState,
  UNIQUE_VIOLATION,
  violatedConstraint,
} from '../common/errors/sql-state.js';
import type { AuthUser, LoginUser, UserChanges, UserRecord } from './user-record.js';
import { RoleNotFoundError } from '../roles/roles.errors.js';
import { EmailTakenError, UsernameTakenError } from './users.errors.js';

export type Row = Record<string, unknown>;

// Maps each settable field to its column: the only names that ever reach an UPDATE.
export const COLUMN_OF: Record<keyof UserChanges, string> = {
  email: 'email',
  roleName: 'role_name',
  isActive: 'is_active',
  isApiUser: 'is_api_user',
  apiTokenTtlDays: 'api_token_ttl_days',
  apiTokenId: 'api_token_id',
  apiTokenExpiresAt: 'api_token_expires_at',
  previousApiTokenId: 'previous_api_token_id',
  previousTokenValidUntil: 'previous_token_valid_until',
  passwordHash: 'password_hash',
  mustChangePassword: 'must_change_password',
  mfaEnabled: 'mfa_enabled',
};

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string | null;
  roleName: string;
  isActive: boolean;
  isApiUser: boolean;
  apiTokenTtlDays: number | null;
  apiTokenId: string | null;
  apiTokenExpiresAt: Date | null;
  /** The initial administrator's, when its password is generated or weak; false otherwise. */
  mustChangePassword?: boolean;
}

// Never the password hash or the token id: only whether a token exists.
export const USER_COLUMNS = `
  u.id, u.username, u.email, u.role_name, r.display_name AS role_display_name, r.permissions AS role_permissions,
  u.is_active, u.is_api_user, u.api_token_ttl_days, (u.api_token_id IS NOT NULL) AS has_api_token,
  u.api_token_expires_at, u.api_token_issued_at, u.api_token_last_used_at,
  (u.previous_api_token_id IS NOT NULL) AS has_previous_token, u.previous_token_valid_until,
  u.previous_token_last_used_at, u.must_change_password, u.mfa_enabled, r.require_mfa AS role_require_mfa,
  u.failed_login_count, u.last_login_at, u.created_at`;

/** For the auth module alone: the record and the token ids it compares. */
export const AUTH_COLUMNS = `${USER_COLUMNS}, u.api_token_id, u.previous_api_token_id`;

export const FROM_USERS = `FROM users u JOIN roles r ON r.name = u.role_name`;

const toDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

export function toRecord(row: Row): UserRecord {
  return {
    id: Number(row.id),
    username: String(row.username),
    email: String(row.email),
    roleName: String(row.role_name),
    roleDisplayName: String(row.role_display_name),
    rolePermissions: (row.role_permissions as string[] | null) ?? [],
    isActive: Boolean(row.is_active),
    isApiUser: Boolean(row.is_api_user),
    apiTokenTtlDays: row.api_token_ttl_days == null ? null : Number(row.api_token_ttl_days),
    hasApiToken: Boolean(row.has_api_token),
    apiTokenExpiresAt: toDate(row.api_token_expires_at),
    apiTokenIssuedAt: toDate(row.api_token_issued_at),
    apiTokenLastUsedAt: toDate(row.api_token_last_used_at),
    hasPreviousToken: Boolean(row.has_previous_token),
    previousTokenValidUntil: toDate(row.previous_token_valid_until),
    previousTokenLastUsedAt: toDate(row.previous_token_last_used_at),
    mustChangePassword: Boolean(row.must_change_password),
    mfaEnabled: Boolean(row.mfa_enabled),
    roleRequiresMfa: Boolean(row.role_require_mfa),
    failedLoginCount: Number(row.failed_login_count ?? 0),
    lastLoginAt: toDate(row.last_login_at),
    createdAt: toDate(row.created_at)!,
  };
}

export function toAuthUser(row: Row): AuthUser {
  return {
    ...toRecord(row),
    apiTokenId: (row.api_token_id as string | null) ?? null,
    previousApiTokenId: (row.previous_api_token_id as string | null) ?? null,
  };
}

export function toLoginUser(row: Row): LoginUser {
  return { ...toAuthUser(row), passwordHash: (row.password_hash as string | null) ?? null };
}

/** Translates the unique and foreign-key violations of a user write into the contract's errors. */
export function writeError(err: unknown, user: { username?: string; roleName?: string }): unknown {
  const state = sqlState(err);
  const constraint = violatedConstraint(err);
  if (state === UNIQUE_VIOLATION && constraint === 'users_username_key')
    return new UsernameTakenError(user.username ?? '');
  if (state === UNIQUE_VIOLATION && constraint === 'users_email_lower_key') return new EmailTakenError();
  if (state === FOREIGN_KEY_VIOLATION && constraint === 'users_role_fk')
    return new RoleNotFoundError(user.roleName ?? '');
  return err;
}
