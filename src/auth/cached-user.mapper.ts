import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import { toUserResponse } from '../users/users.mapper.js';
import type { CachedUser } from './user-state.js';

const date = (ms: number | null | undefined) => (ms == null ? null : new Date(ms));

// A regular user's view depends on the cached state alone; an API user's token status also on the time.
// Cached state is never changed in place (a change is a new entry), so a view is kept per state object.
const regularViews = new WeakMap<CachedUser, UserResponseDto>();

/** The user as every answer shows it, from the cached auth state, through the users module's one mapper. */
export function userViewOf(user: CachedUser, now: number): UserResponseDto {
  if (user.isApiUser) return viewOf(user, now);
  let view = regularViews.get(user);
  if (!view) regularViews.set(user, (view = Object.freeze(viewOf(user, now))));
  return view;
}

function viewOf(user: CachedUser, now: number): UserResponseDto {
  return toUserResponse(
    {
      id: user.id,
      username: user.username,
      email: user.email,
      roleName: user.roleName,
      roleDisplayName: user.roleDisplayName,
      isActive: user.isActive,
      isApiUser: user.isApiUser,
      hasApiToken: user.apiTokenId !== null,
      apiTokenExpiresAt: date(user.apiTokenExpiresAt),
      apiTokenLastUsedAt: date(user.apiTokenLastUsedAt),
      previousTokenValidUntil: date(user.previousTokenValidUntil),
      previousTokenLastUsedAt: date(user.previousTokenLastUsedAt),
      mustChangePassword: user.mustChangePassword,
      mfaEnabled: user.mfaEnabled,
      lastLoginAt: date(user.lastLoginAt),
      createdAt: new Date(user.createdAt),
    },
    now,
  );
}
