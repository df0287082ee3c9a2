import type { RoleResponseDto } from './dto/role-response.dto.js';
import type { PermissionCatalog } from './permission-catalog.js';
import { grantsApiAccess } from './permissions.js';
import type { RoleEntity } from './role.entity.js';
import type { RoleUserCounts } from './role-members.js';
import { separationOfDutyWarnings } from './separation-of-duty.js';

/** The editable content of a role, as audit entries record it before and after a change. */
export interface RoleSnapshot {
  displayName: string;
  description: string;
  permissions: string[];
  requireMfa: boolean;
}

export const ROLE_FIELDS = ['displayName', 'description', 'permissions', 'requireMfa'] as const;

export function snapshotOf(role: RoleEntity): RoleSnapshot {
  return {
    displayName: role.displayName,
    description: role.description,
    permissions: [...role.permissions],
    requireMfa: role.requireMfa,
  };
}

/**
 * A role may lose api_access while API users hold it (the edit is allowed),
 * but every request with their tokens is then refused: the role says so.
 */
export function apiAccessWarnings(permissions: readonly string[], apiUserCount: number): string[] {
  if (apiUserCount === 0 || grantsApiAccess(permissions)) return [];
  return [
    `API access: ${apiUserCount} API user(s) hold this role, which lacks api_access; ` +
      'their tokens are refused on every request until the role grants api_access again or they get another role',
  ];
}

export function toRoleResponse(
  role: RoleEntity,
  { userCount, apiUserCount }: RoleUserCounts,
  catalog: PermissionCatalog,
): RoleResponseDto {
  return {
    name: role.name,
    displayName: role.displayName,
    description: role.description,
    permissions: [...role.permissions],
    requireMfa: role.requireMfa,
    isSystem: role.isSystem,
    userCount,
    createdAt: role.createdAt.toISOString(),
    updatedAt: role.updatedAt.toISOString(),
    warnings: [
      ...separationOfDutyWarnings(role.permissions, (p) => catalog.get(p)?.category),
      ...apiAccessWarnings(role.permissions, apiUserCount),
    ],
  };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((p) => set.has(p));
}
