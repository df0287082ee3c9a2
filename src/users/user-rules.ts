import { ValidationFailedError } from '../common/errors/domain-error.js';
import { grantsApiAccess } from '../roles/permissions.js';
import type { Actor } from './actor.js';
import { CannotDeactivateSelfError, RoleLacksApiAccessError } from './users.errors.js';

/** The rules of a user's shape that need no database: checked before anything is written. */

export const ttlOnlyForApiUsers = () =>
  new ValidationFailedError([
    { field: 'apiTokenTtlDays', message: 'apiTokenTtlDays applies to API users only' },
  ]);

export const ttlRequired = () =>
  new ValidationFailedError([
    { field: 'apiTokenTtlDays', message: 'apiTokenTtlDays is required for API users' },
  ]);

/**
 * Every request made with an API token needs api_access: an API user given a
 * role without it would hold a token refused on every route, /me included.
 */
export function assertApiRole(role: { name: string; permissions: readonly string[] }): void {
  if (!grantsApiAccess(role.permissions)) throw new RoleLacksApiAccessError(role.name);
}

/** A second administrator could otherwise lock themselves out with one toggle. */
export function assertNotSelf(actor: Actor, id: number): void {
  if (id === actor.auth.userId) throw new CannotDeactivateSelfError();
}
