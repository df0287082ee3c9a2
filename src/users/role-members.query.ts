import type { EntityManager } from 'typeorm';
import { Permission } from '../common/auth/permission.js';
import type { AdministratorScope, RoleUserCounts, UserAccessRow } from '../roles/role-members.js';
import { FROM_USERS, type Row } from './user-rows.js';

// The users repository's answers to the roles module (RoleMembers), kept here so the repository stays short.

// From the group counts the users table's triggers keep exact (see the UserCounts migration): a sum over a
// few rows per role instead of a count over every user.
const COUNTS = `coalesce(sum(n), 0)::int AS users, coalesce(sum(n) FILTER (WHERE is_api_user), 0)::int AS api`;

const countsOfRow = (row: Row | undefined): RoleUserCounts => ({
  userCount: Number(row?.users ?? 0),
  apiUserCount: Number(row?.api ?? 0),
});

export async function roleCounts(m: EntityManager): Promise<Map<string, RoleUserCounts>> {
  const rows = (await m.query(`SELECT role_name, ${COUNTS} FROM user_counts GROUP BY role_name`)) as Row[];
  return new Map(rows.map((row) => [String(row.role_name), countsOfRow(row)]));
}

export async function roleCountsOf(m: EntityManager, role: string): Promise<RoleUserCounts> {
  const rows = (await m.query(`SELECT ${COUNTS} FROM user_counts WHERE role_name = $1`, [role])) as Row[];
  return countsOfRow(rows[0]);
}

export async function roleHolderIds(m: EntityManager, role: string): Promise<number[]> {
  const rows = (await m.query(`SELECT id FROM users WHERE role_name = $1`, [role])) as Row[];
  return rows.map((row) => Number(row.id));
}

export async function accessOf(m: EntityManager, userId: number): Promise<UserAccessRow | null> {
  const rows = (await m.query(
    `SELECT u.is_active AS "isActive", u.is_api_user AS "isApiUser", r.permissions ${FROM_USERS} WHERE u.id = $1`,
    [userId],
  )) as UserAccessRow[];
  return rows[0] ?? null;
}

export async function countAdministrators(m: EntityManager, scope: AdministratorScope): Promise<number> {
  const [where, value] =
    'inRole' in scope
      ? ['r.name = $2', scope.inRole]
      : 'exceptRole' in scope
        ? ['r.name <> $2', scope.exceptRole]
        : ['u.id <> $2', scope.exceptUser];
  const rows = (await m.query(
    `SELECT count(*)::int AS n ${FROM_USERS}
      WHERE u.is_active AND NOT u.is_api_user AND $1 = ANY(r.permissions) AND ${where}`,
    [Permission.FullAccess, value],
  )) as Row[];
  return Number(rows[0].n);
}
