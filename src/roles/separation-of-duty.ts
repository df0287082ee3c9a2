import { Permission } from '../common/auth/permission.js';

/** The permissions that administer who may do what. */
export const USER_ADMINISTRATION = [Permission.ManageUsers, Permission.ManageRoles] as const;

export type PermissionCategory = 'administrative' | 'feature';

/**
 * Separation of duty: whoever administers users and roles should not also do
 * the operational work those users do, so that no single account can grant
 * itself access and then use it unseen. A role combining user administration
 * (manage_users, manage_roles) with an operational feature permission gets a
 * warning. full_access is the deliberate exception (the administrator), and
 * api_access alone is a channel, not operational work. Warnings never block.
 */
export function separationOfDutyWarnings(
  permissions: readonly string[],
  categoryOf: (permission: string) => PermissionCategory | undefined,
): string[] {
  if (permissions.includes(Permission.FullAccess)) return [];
  const admin = USER_ADMINISTRATION.filter((p) => permissions.includes(p));
  if (admin.length === 0) return [];
  const operational = [...new Set(permissions)]
    .filter((p) => p !== Permission.ApiAccess && categoryOf(p) === 'feature')
    .sort();
  if (operational.length === 0) return [];
  return [
    `Separation of duty: user administration (${admin.join(', ')}) is combined with operational access ` +
      `(${operational.join(', ')}); consider separate roles`,
  ];
}
