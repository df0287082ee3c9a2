import type { RoleResponseDto } from './dto/role-response.dto.js';
import type { PermissionCatalog } from './permission-catalog.js';
import type { RoleEntity } from './role.entity.js';
import { separationOfDutyWarnings } from './separation-of-duty.js';

/** The editable content of a role, as audit entries record it before and after a change. */
export interface RoleSnapshot {
  displayName: string;
  description: string;
  permissions: string[];
}

export const ROLE_FIELDS = ['displayName', 'description', 'permissions'] as const;

export function snapshotOf(role: RoleEntity): RoleSnapshot {
  return { displayName: role.displayName, description: role.description, permissions: [...role.permissions] };
}

export function toRoleResponse(
  role: RoleEntity,
  userCount: number,
  catalog: PermissionCatalog,
): RoleResponseDto {
  return {
    name: role.name,
    displayName: role.displayName,
    description: role.description,
    permissions: [...role.permissions],
    isSystem: role.isSystem,
    userCount,
    createdAt: role.createdAt.toISOString(),
    updatedAt: role.updatedAt.toISOString(),
    warnings: separationOfDutyWarnings(role.permissions, (p) => catalog.get(p)?.category),
  };
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((p) => set.has(p));
}
