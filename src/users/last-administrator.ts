import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Permission } from '../common/auth/permission.js';
import { UsersRepository } from './users.repository.js';
import type { UserRecord } from './user-record.js';
import { LastAdministratorError } from './users.errors.js';

export interface AdministratorState {
  isActive: boolean;
  isApiUser: boolean;
  permissions: readonly string[];
}

/**
 * An administrator, for this rule, is an active user who can log in and whose
 * role holds full_access: an API user cannot log in, so it cannot stand in for
 * the last person able to administer interactively.
 */
export function isAdministrator(state: AdministratorState): boolean {
  return state.isActive && !state.isApiUser && state.permissions.includes(Permission.FullAccess);
}

/** Keeps at least one administrator: no change may delete, deactivate or demote the last one. */
@Injectable()
export class LastAdministratorRule {
  constructor(private readonly users: UsersRepository) {}

  /**
   * `after` is the user's state once the change is made, or null when the user
   * is deleted. Call inside the change's transaction, with the user's row
   * locked: the advisory lock then serializes concurrent removals, so two
   * administrators demoting each other at once cannot both succeed.
   */
  async assertKept(
    user: UserRecord,
    after: AdministratorState | null,
    action: string,
    manager: EntityManager,
  ): Promise<void> {
    const now = { isActive: user.isActive, isApiUser: user.isApiUser, permissions: user.rolePermissions };
    if (!isAdministrator(now) || (after && isAdministrator(after))) return;
    await this.users.lockAdministrators(manager);
    if ((await this.users.countOtherAdministrators(user.id, manager)) === 0) {
      throw new LastAdministratorError(action);
    }
  }
}
