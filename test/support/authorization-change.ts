import { bearer, type TestApp } from './harness.js';
import { callerWith, ROLES_PATH, setRolePermissions } from './roles.js';
import { expectError, expectStatus, USERS } from './users.js';

export interface PermissionRemovalSetup {
  /** The app the caller's requests reach. */
  caller: TestApp;
  /** The app the administrator changes the role on; by default the caller's. */
  changeOn?: TestApp;
  /** An administrator's session token. */
  admin: string;
  /** What happens after the change and before the caller's next request (a cache flush, say). */
  between?: () => Promise<void>;
}

/**
 * A permission removed from the caller's role holds on the caller's very
 * next request: a caller whose role holds manage_users lists the users, an
 * administrator edits the role down to portfolio_data, and the same token's
 * next listing is 403 PERMISSION_DENIED. Answers the caller's listing and the
 * role edit, for a suite that goes on from there.
 */
export async function permissionRemovedHoldsOnNextRequest(setup: PermissionRemovalSetup) {
  const changeOn = setup.changeOn ?? setup.caller;
  const { token, role } = await callerWith(changeOn, ['manage_users']);
  const listUsers = () => setup.caller.http().get(USERS).set(bearer(token));
  const setPermissions = (permissions: string[]) =>
    setRolePermissions(changeOn, setup.admin, role, permissions);

  expectStatus(await listUsers(), 200);
  expectStatus(await setPermissions(['portfolio_data']), 200);
  await setup.between?.();
  expectError(await listUsers(), 403, 'PERMISSION_DENIED');
  return { listUsers, setPermissions };
}

/**
 * A move to a lesser role holds on the caller's very next request: a caller
 * whose role holds manage_roles lists the roles, an administrator moves them
 * to viewer, and the same token's next listing is 403 PERMISSION_DENIED.
 */
export async function lesserRoleHoldsOnNextRequest(setup: PermissionRemovalSetup): Promise<void> {
  const changeOn = setup.changeOn ?? setup.caller;
  const { user, token } = await callerWith(changeOn, ['manage_roles']);
  const listRoles = () => setup.caller.http().get(ROLES_PATH).set(bearer(token));
  expectStatus(await listRoles(), 200);
  expectStatus(
    await changeOn.http().patch(`${USERS}/${user.id}`).set(bearer(setup.admin)).send({ role: 'viewer' }),
    200,
  );
  await setup.between?.();
  expectError(await listRoles(), 403, 'PERMISSION_DENIED');
}
