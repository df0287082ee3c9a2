import { apiTokenStatus, inGrace } from './api-token-status.js';
import type { UserResponseDto } from './dto/user-response.dto.js';
import type { UserRecord } from './user-record.js';

/** What the user view is made of: a UserRecord, or the auth state's cached copy of one. */
export type UserViewSource = Pick<
  UserRecord,
  | 'id'
  | 'username'
  | 'email'
  | 'roleName'
  | 'roleDisplayName'
  | 'isActive'
  | 'isApiUser'
  | 'hasApiToken'
  | 'apiTokenExpiresAt'
  | 'apiTokenLastUsedAt'
  | 'previousTokenValidUntil'
  | 'previousTokenLastUsedAt'
  | 'mustChangePassword'
  | 'mfaEnabled'
  | 'lastLoginAt'
  | 'createdAt'
>;

/** The one way a user leaves the service: the view of the HTTP contract, field by field. */
export function toUserResponse(user: UserViewSource, now: number): UserResponseDto {
  const api = user.isApiUser;
  const graced = api && inGrace(user, now);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.roleName,
    roleDisplayName: user.roleDisplayName,
    isActive: user.isActive,
    isApiUser: user.isApiUser,
    apiTokenExpiresAt: user.isApiUser ? (user.apiTokenExpiresAt?.toISOString() ?? null) : null,
    apiTokenStatus: apiTokenStatus(user, now),
    apiTokenLastUsedAt: api ? (user.apiTokenLastUsedAt?.toISOString() ?? null) : null,
    previousTokenValidUntil: graced ? user.previousTokenValidUntil!.toISOString() : null,
    previousTokenLastUsedAt: graced ? (user.previousTokenLastUsedAt?.toISOString() ?? null) : null,
    mustChangePassword: user.mustChangePassword,
    mfaEnabled: !user.isApiUser && user.mfaEnabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}
