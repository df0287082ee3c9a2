import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, useConsole } from '../support/console.js';
import { createRoleHolder, signedInPage } from '../support/console-steps.js';
import { adminToken, bearer } from '../support/harness.js';
import { createUser } from '../support/users.js';

// Polls wait as long as the steps may take on a busy machine.
const POLL = { timeout: 60_000 };

/** Opens the section from the main navigation, as a person would. */
async function openRolesSection(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Roles & Permissions' })
    .click();
}

const OPS_PERMISSIONS = ['manage_users', 'portfolio_data', 'extended_dashboard_data', 'health_monitor_data'];

describe('admin console: Roles & Permissions', () => {
  const c = useConsole();
  let token: string;
  beforeAll(async () => {
    token = (await adminToken(c.t)).token;
  });

  it('creates operations_manager, refuses its delete while a user holds it, then deletes it', async () => {
    const page = await signedInPage(c);
    await openRolesSection(page);
    await page.getByTestId('role-administrator').waitFor();
    expect(await page.getByTestId('role-administrator').getByText('System').count()).toBe(1);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Create New Role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create New Role' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).waitFor();
    await expectAccessible(page);
    // Administrative and Feature groups, each permission described by the catalog.
    for (const legend of ['Administrative', 'Feature'])
      await dialog.getByText(legend, { exact: true }).waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('operations_manager');
    await dialog.getByRole('textbox', { name: 'Display Name' }).fill('Operations Manager');
    await dialog.getByLabel('Description').fill('Runs daily operations');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await dialog.getByText('Choose at least one permission').waitFor();
    for (const p of OPS_PERMISSIONS) await dialog.getByRole('checkbox', { name: p, exact: true }).check();
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.getByTestId('role-operations_manager');
    await row.getByText('Operations Manager').waitFor();
    for (const p of OPS_PERMISSIONS) expect(await row.getByText(p, { exact: true }).count()).toBe(1);
    expect(await row.textContent()).toContain('Separation of duty');
    expect(await row.getByRole('button', { name: 'Delete operations_manager' }).count()).toBe(1);

    // A user takes the role: delete is no longer offered, the docs' message and a link to them show.
    const created = await createUser(c.t, token, {
      username: 'ops.user',
      password: 'Ops-Passw0rd!x',
      role: 'operations_manager',
    });
    await page.reload();
    const refused = row.getByTestId('in-use-operations_manager');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Cannot delete role. 1 user(s) are assigned to this role');
    expect(await row.getByRole('button', { name: 'Delete operations_manager' }).count()).toBe(0);
    await expectAccessible(page);
    await refused.getByRole('link', { name: 'Show these users' }).click();
    await expect
      .poll(() => new URL(page.url()).pathname + new URL(page.url()).search, POLL)
      .toBe('/admin/users?role=operations_manager');

    // Reassigned, the role is free again and goes after a confirmation.
    const moved = await c.t
      .http()
      .patch(`/auth/api/users/${created.id}`)
      .set(bearer(token))
      .send({ role: 'viewer' });
    expect(moved.status).toBe(200);
    await page.goto('/admin/roles');
    await row.getByRole('button', { name: 'Delete operations_manager' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete role operations_manager?' });
    await confirm.waitFor();
    await expectAccessible(page);
    await confirm.getByRole('button', { name: 'Delete role' }).click();
    await row.waitFor({ state: 'detached' });
    const gone = await c.t.http().get('/auth/api/roles/operations_manager').set(bearer(token));
    expect(gone.status).toBe(404);
  }, 300_000);

  it("locks a system role's permissions in its edit form and names a taken role name", async () => {
    const page = await signedInPage(c, { at: '/admin/roles' });
    await page.getByRole('button', { name: 'Edit viewer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit role viewer' });
    await dialog.getByText('The permissions of a system role are fixed').waitFor();
    expect(
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).getAttribute('readonly'),
    ).not.toBeNull();
    const boxes = dialog.getByRole('checkbox');
    expect(await boxes.count()).toBeGreaterThan(5);
    // Require MFA stays editable on a system role; its permissions do not.
    const requireMfa = dialog.getByRole('checkbox', { name: /Require MFA/ });
    expect(await requireMfa.isDisabled()).toBe(false);
    const mfaId = await requireMfa.getAttribute('id');
    for (const box of await boxes.all()) {
      if ((await box.getAttribute('id')) !== mfaId) expect(await box.isDisabled()).toBe(true);
    }
    expect(await dialog.getByRole('checkbox', { name: 'health_monitor_data', exact: true }).isChecked()).toBe(
      true,
    );
    await expectAccessible(page);
    // Its display name is still editable.
    await dialog.getByRole('textbox', { name: 'Display Name' }).fill('Read-only Viewer');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('role-viewer').getByText('Read-only Viewer').waitFor();

    await page.getByRole('button', { name: 'Create New Role' }).click();
    const create = page.getByRole('dialog', { name: 'Create New Role' });
    await create.getByRole('textbox', { name: 'Name', exact: true }).fill('viewer');
    await create.getByRole('textbox', { name: 'Display Name' }).fill('Another viewer');
    await create.getByRole('checkbox', { name: 'portfolio_data', exact: true }).check();
    await create.getByRole('button', { name: 'Create role' }).click();
    await create.getByText('A role with this name already exists.').waitFor();
  }, 300_000);

  it('shows the roles read-only to a caller with manage_users but not manage_roles', async () => {
    const userAdmin = { username: 'user.admin', password: 'Usr-Adm1n-Passw0rd' };
    const role = { name: 'user_admin', displayName: 'User Admin', permissions: ['manage_users'] };
    await createRoleHolder(c.t, token, role, userAdmin);
    const page = await signedInPage(c, { as: userAdmin });
    await openRolesSection(page);
    await page.getByTestId('role-user_admin').waitFor();
    // Away from the menu: a hovered entry is not the state under test.
    await page.mouse.move(600, 10);
    expect(await page.getByRole('button', { name: 'Create New Role' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    await expectAccessible(page);
  }, 300_000);
});
