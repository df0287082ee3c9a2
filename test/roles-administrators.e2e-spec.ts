import { beforeAll, describe, expect, it } from 'vitest';
import { UserEntity } from '../src/users/user.entity.js';
import { ADMIN_USERNAME, bearer, userWithToken, useTestApp } from './support/harness.js';
import { createRoleRow, ROLES_PATH } from './support/roles.js';

// The last-administrator rule holds on every path: a role losing full_access is one of them.
describe('roles: the last administrators stay', () => {
  const t = useTestApp();
  let token: string;
  let roleName: string;
  const setPermissions = (role: string, permissions: string[], as = token) =>
    t.http().patch(`${ROLES_PATH}/${role}`).set(bearer(as)).send({ permissions });

  beforeAll(async () => {
    roleName = (await createRoleRow(t, ['full_access'], 'super_ops')).name;
    ({ token } = await userWithToken(t, { role: roleName }));
    // The seeded administrator steps aside: the custom role now holds the only administrators.
    await t.dataSource.getRepository(UserEntity).update({ username: ADMIN_USERNAME }, { isActive: false });
  });

  it('refuses to take full_access from the role of the last active administrators (409 LAST_ADMINISTRATOR)', async () => {
    const res = await setPermissions(roleName, ['manage_users']);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('LAST_ADMINISTRATOR');
    const role = await t.http().get(`${ROLES_PATH}/${roleName}`).set(bearer(token)).expect(200);
    expect(role.body.permissions).toEqual(['full_access']);
  });

  it('allows it once another active administrator exists', async () => {
    await t.dataSource.getRepository(UserEntity).update({ username: ADMIN_USERNAME }, { isActive: true });
    const res = await setPermissions(roleName, ['manage_users']);
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['manage_users']);
  });

  it('lets a role without active interactive users lose full_access', async () => {
    const empty = await createRoleRow(t, ['full_access'], 'empty_root');
    const { token: adminTok } = await userWithToken(t, { role: 'administrator' });
    const res = await setPermissions(empty.name, ['health_monitor_data'], adminTok);
    expect(res.status).toBe(200);
  });
});
