import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { RoleEntity } from '../../src/roles/role.entity.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { apiUserWithToken, bearer, type TestApp, type UserSeed, userWithToken } from './harness.js';

export const ROLES_PATH = '/auth/api/roles';
export const PERMISSIONS_PATH = '/auth/api/permissions';

export const SYSTEM_ROLES = ['administrator', 'process_analyst', 'process_operator', 'viewer'];

export const uniqueName = (prefix = 'role') => `${prefix}_${randomBytes(4).toString('hex')}`;

/** PATCH a role's permissions as `token`'s holder; the raw answer. */
export function setRolePermissions(t: TestApp, token: string, role: string, permissions: string[]) {
  return t.http().patch(`${ROLES_PATH}/${role}`).set(bearer(token)).send({ permissions });
}

/** Inserts a custom role straight into the test database. */
export async function createRoleRow(
  t: TestApp,
  permissions: string[],
  name = uniqueName(),
  displayName = `Role ${name}`,
): Promise<RoleEntity> {
  const repo = t.dataSource.getRepository(RoleEntity);
  await repo.insert({ name, displayName, description: '', permissions, isSystem: false });
  return repo.findOneByOrFail({ name });
}

/** A user of a fresh custom role holding exactly `permissions`, with a session token. */
export async function callerWith(
  t: TestApp,
  permissions: string[],
  seed: Omit<UserSeed, 'role'> = {},
): Promise<{ user: UserEntity; token: string; role: string }> {
  const role = await createRoleRow(t, permissions);
  const { user, token } = await userWithToken(t, { ...seed, role: role.name });
  return { user, token, role: role.name };
}

/** An API user of a fresh custom role holding exactly `permissions`, with a valid API token. */
export async function apiCallerWith(
  t: TestApp,
  permissions: string[],
): Promise<{ user: UserEntity; token: string; role: string }> {
  const role = await createRoleRow(t, permissions);
  const { user, token } = await apiUserWithToken(t, { role: role.name });
  return { user, token, role: role.name };
}

/**
 * The cases of a GET route that either manage_roles or manage_users opens: both
 * get in, a user of `outsiderRole` (holding neither) gets 403, nobody gets 401.
 */
export function itIsOpenToRoleOrUserManagers(t: TestApp, path: string, outsiderRole: string): void {
  it('is open to manage_roles and to manage_users', async () => {
    for (const permissions of [['manage_roles'], ['manage_users']]) {
      const { token } = await callerWith(t, permissions);
      await t.http().get(path).set(bearer(token)).expect(200);
    }
  });

  it('refuses a caller without either permission (403 PERMISSION_DENIED)', async () => {
    const { token } = await userWithToken(t, { role: outsiderRole });
    const res = await t.http().get(path).set(bearer(token)).expect(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    expect(res.body.message).toBe('Missing permission: manage_roles or manage_users');
  });

  it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
    const res = await t.http().get(path).expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
}

export interface AuditRow {
  id: string;
  action: string;
  actor_id: number | null;
  actor_username: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The audit entries about one target, oldest first, read straight from the table. */
export async function auditEntriesFor(t: TestApp, targetType: string, targetId: string): Promise<AuditRow[]> {
  await t.flushAudit();
  return t.dataSource.query(
    `SELECT id, action, actor_id, actor_username, target_type, target_id, target_label, outcome, details
       FROM audit_events WHERE target_type = $1 AND target_id = $2 ORDER BY id`,
    [targetType, targetId],
  );
}
