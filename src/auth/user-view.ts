import { apiTokenStatus } from '../users/api-token-status.js';
import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import type { CachedUser } from './auth-state.service.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The user as every answer shows it (the users module's shape), from the cached auth state. */
export function userViewOf(user: CachedUser, now = Date.now()): UserResponseDto {
  const apiTokenExpiresAt = user.apiTokenExpiresAt === null ? null : new Date(user.apiTokenExpiresAt);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.roleName,
    roleDisplayName: user.roleDisplayName,
    isActive: user.isActive,
    isApiUser: user.isApiUser,
    apiTokenExpiresAt: iso(user.apiTokenExpiresAt),
    apiTokenStatus: apiTokenStatus(
      { isApiUser: user.isApiUser, hasApiToken: user.apiTokenId !== null, apiTokenExpiresAt },
      now,
    ),
    mustChangePassword: user.mustChangePassword,
    createdAt: new Date(user.createdAt).toISOString(),
    lastLoginAt: iso(user.lastLoginAt),
  };
}
