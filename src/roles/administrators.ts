import type { EntityManager } from 'typeorm';
import { Permission } from '../common/auth/permission.js';

/**
 * One advisory lock for every change that can remove an administrator (a user
 * deleted, deactivated or moved; a role losing full_access), so that two such
 * changes can never each see the other administrator and both succeed.
 */
export const ADMINISTRATORS_LOCK_KEY = 7_270_401;

export async function lockAdministrators(manager: EntityManager): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMINISTRATORS_LOCK_KEY]);
}

/**
 * Active users who can log in and whose role holds full_access, leaving out
 * the role `exceptRole` (the one about to lose it).
 */
export async function countAdministratorsOutside(
  manager: EntityManager,
  exceptRole: string,
): Promise<number> {
  const rows = (await manager.query(
    `SELECT count(*)::int AS n FROM users u JOIN roles r ON r.name = u.role_name
      WHERE u.is_active AND NOT u.is_api_user AND $1 = ANY(r.permissions) AND r.name <> $2`,
    [Permission.FullAccess, exceptRole],
  )) as { n: number }[];
  return Number(rows[0].n);
}

/** Active interactive users of one role. */
export async function countAdministratorsIn(manager: EntityManager, role: string): Promise<number> {
  const rows = (await manager.query(
    `SELECT count(*)::int AS n FROM users u WHERE u.role_name = $1 AND u.is_active AND NOT u.is_api_user`,
    [role],
  )) as { n: number }[];
  return Number(rows[0].n);
}
