import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Permission } from '../common/auth/permission.js';
import { RoleMembers } from './role-members.js';
import { RolesRepository } from './roles.repository.js';

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

/**
 * What a change does to the administrators: one user's state before and after
 * (null when the user is deleted), or a role's permissions before and after.
 */
export type AdministratorChange =
  | { userId: number; before: AdministratorState; after: AdministratorState | null }
  | { role: string; before: readonly string[]; after: readonly string[] };

/**
 * Keeps at least one administrator: no change may delete, deactivate, demote
 * or convert the last one, nor take full_access from the role of the last ones.
 */
@Injectable()
export class LastAdministratorRule {
  constructor(
    private readonly roles: RolesRepository,
    private readonly members: RoleMembers,
  ) {}

  /**
   * Throws `refusal()` when the change would leave no administrator. Call
   * inside the change's transaction, with the user's or role's row locked:
   * the advisory lock then serializes concurrent removals, so two
   * administrators demoting each other at once cannot both succeed.
   */
  async assertKept(change: AdministratorChange, manager: EntityManager, refusal: () => Error): Promise<void> {
    if ('userId' in change) {
      if (!isAdministrator(change.before) || (change.after && isAdministrator(change.after))) return;
      await this.roles.lockAdministrators(manager);
      if ((await this.members.countAdministrators(manager, { exceptUser: change.userId })) === 0) {
        throw refusal();
      }
      return;
    }
    const full = (permissions: readonly string[]) => permissions.includes(Permission.FullAccess);
    if (!full(change.before) || full(change.after)) return;
    await this.roles.lockAdministrators(manager);
    if ((await this.members.countAdministrators(manager, { inRole: change.role })) === 0) return;
    if ((await this.members.countAdministrators(manager, { exceptRole: change.role })) === 0) throw refusal();
  }
}
