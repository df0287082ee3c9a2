import { Permission } from '../common/auth/permission.js';
import { PrivilegeEscalationError } from './roles.errors.js';

/**
 * The one no-escalation rule, for every grant path (role create and edit,
 * assigning a role, acting on a user): a caller without full_access may only
 * grant or touch permissions they hold themselves. Returns what is missing.
 */
export function missingForGrant(callerPermissions: ReadonlySet<string>, granted: Iterable<string>): string[] {
  if (callerPermissions.has(Permission.FullAccess)) return [];
  const missing = new Set<string>();
  for (const p of granted) if (!callerPermissions.has(p)) missing.add(p);
  return [...missing].sort();
}

/** Throws PRIVILEGE_ESCALATION naming the missing permissions. */
export function assertCanGrant(
  callerPermissions: ReadonlySet<string>,
  granted: Iterable<string>,
  what = 'grant',
): void {
  const missing = missingForGrant(callerPermissions, granted);
  if (missing.length > 0) {
    throw new PrivilegeEscalationError(
      missing,
      `Privilege escalation: cannot ${what} permissions you do not hold: ${missing.join(', ')}`,
    );
  }
}

/**
 * Acting on a user (edit, reset password, toggle status, regenerate token,
 * revoke sessions, delete) is granting power over their permissions: the same
 * rule, so a user administrator can never take over an administrator.
 */
export function assertCanActOn(
  callerPermissions: ReadonlySet<string>,
  targetPermissions: Iterable<string>,
): void {
  const missing = missingForGrant(callerPermissions, targetPermissions);
  if (missing.length > 0) {
    throw new PrivilegeEscalationError(
      missing,
      `Privilege escalation: the user holds permissions you do not hold: ${missing.join(', ')}`,
    );
  }
}
