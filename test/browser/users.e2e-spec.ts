import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/auth.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, expectAccessible, signIn, useConsole } from '../support/console.js';
import {
  ensureRole,
  openUserAction as openAction,
  signedInPage,
  takeSecret as takeSecretAndText,
  userRow as row,
} from '../support/console-steps.js';
import { bearer } from '../support/harness.js';
import { createUser as createUserViaApi } from '../support/users.js';

const STRONG = 'Sturdy-Lantern-42';

describe('admin console: User Management and Account Hygiene', () => {
  const c = useConsole();
  let admin: string;

  // Test data through the public API, as another administrator would have made it.
  const api = () => c.t.http();
  const createUser = (body: Record<string, unknown>) => createUserViaApi(c.t, admin, body);

  // The machine is slow and shared: wait generously for the page to settle.
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });

  const adminPage = (path = '/admin/users') => signedInPage(c, { at: path });

  const rowNames = (page: Page) =>
    page
      .locator('[data-testid^="user-row-"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('user-row-'.length)));

  /** Confirms the open confirmation dialog after checking what it says will happen. */
  async function confirmDialog(page: Page, says: string | RegExp, button: string): Promise<void> {
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.textContent()).toMatch(says);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: button, exact: true }).click();
  }

  /** The one-time secret, from a dialog that says it shows it only once. */
  async function takeSecret(page: Page): Promise<string> {
    const { secret, text } = await takeSecretAndText(page);
    expect(text).toContain('shown only once');
    return secret;
  }

  /** A fresh user, found by a search of the list, on whom `item` is chosen and confirmed. */
  async function confirmedActionOnNewUser(username: string, item: string, says: string): Promise<Page> {
    await createUser({ username, password: STRONG });
    const page = await adminPage(`/admin/users?search=${username}`);
    await row(page, username).waitFor();
    await openAction(page, username, item);
    await confirmDialog(page, says, item);
    return page;
  }

  async function chooseOption(page: Page, input: Locator, option: string): Promise<void> {
    await input.click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  beforeAll(async () => {
    admin = await login(c.t, ADMIN_USERNAME, ADMIN_PASSWORD);
    // The starter role of API users, for a service that predates it.
    const apiUser = {
      name: 'api_user',
      displayName: 'API User',
      permissions: ['api_access', 'health_monitor_data'],
    };
    await ensureRole(c.t, admin, apiUser);
  });

  it('creates john.doe, who then sees no User Management and is told which permission is missing', async () => {
    const page = await adminPage();
    await row(page, ADMIN_USERNAME).waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Create New User' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create New User' });
    await dialog.getByLabel('Username').fill('john.doe');
    await dialog.getByLabel('Email').fill('john.doe@example.com');
    await chooseOption(
      page,
      dialog.getByRole('combobox', { name: 'Role' }),
      'Process Analyst (process_analyst)',
    );
    // The server's password rules show at the Password field.
    await dialog.getByLabel(/^Password/).fill('john.doe-Passw0rd');
    await dialog.getByRole('button', { name: 'Create User' }).click();
    await poll(() => dialog.textContent()).toContain('must not contain the username');
    await expectAccessible(page);
    await dialog.getByLabel(/^Password/).fill(STRONG);
    await dialog.getByRole('button', { name: 'Create User' }).click();
    await row(page, 'john.doe').waitFor();
    expect(await row(page, 'john.doe').textContent()).toContain('Process Analyst');

    const john = await c.newPage();
    await signIn(john, 'john.doe', STRONG);
    const nav = john.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My Account' }).waitFor();
    expect(await nav.getByRole('link', { name: 'User Management' }).count()).toBe(0);
    await john.goto('/admin/users');
    const alert = john.getByRole('alert');
    await poll(() => alert.textContent()).toContain('manage_users');
    await expectAccessible(john);
  }, 90_000);

  it('creates the API user prometheus_scraper, whose token works; regenerating it ends the old one', async () => {
    const page = await adminPage();
    await page.getByRole('button', { name: 'Create New User' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create New User' });
    await dialog.getByLabel('Username').fill('prometheus_scraper');
    await dialog.getByLabel('Email').fill('prometheus@example.com');
    await dialog.getByRole('switch', { name: 'Is API User' }).check();
    // API users have no password; the token's lifetime is asked instead, with the docs' advice.
    expect(await dialog.getByLabel(/^Password/).count()).toBe(0);
    expect(await dialog.textContent()).toContain('Recommended for production services');
    expect(await dialog.textContent()).toContain('Use cautiously');
    await chooseOption(page, dialog.getByRole('combobox', { name: 'Role' }), 'API User (api_user)');
    await dialog.getByRole('radio', { name: '90 days' }).check();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Create User' }).click();
    const token = await takeSecret(page);
    await api().get('/auth/api/me').set(bearer(token)).expect(200);
    await row(page, 'prometheus_scraper').waitFor();
    await poll(() => row(page, 'prometheus_scraper').textContent()).toContain('Valid');

    await openAction(page, 'prometheus_scraper', 'Regenerate API Token');
    await confirmDialog(page, 'the old token stops working now', 'Regenerate API Token');
    const fresh = await takeSecret(page);
    expect(fresh).not.toBe(token);
    await api().get('/auth/api/me').set(bearer(token)).expect(401);
    await api().get('/auth/api/me').set(bearer(fresh)).expect(200);
  }, 90_000);

  it('resets a password: the temporary one signs in and forces a new password first', async () => {
    const warning = 'they must choose a new password at next sign-in';
    const page = await confirmedActionOnNewUser('reset.me', 'Reset Password', warning);
    const temporary = await takeSecret(page);
    expect(temporary).toHaveLength(12);

    const user = await c.newPage();
    await signIn(user, 'reset.me', temporary);
    await user.getByRole('heading', { name: 'Change your password' }).waitFor();
    await user.getByLabel('Current password').fill(temporary);
    await user.getByLabel('New password', { exact: true }).fill('Another-Sturdy-77');
    await user.getByLabel('Confirm new password').fill('Another-Sturdy-77');
    await user.getByRole('button', { name: 'Change password' }).click();
    await user.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(user.url()).pathname).not.toBe('/admin/change-password');
  }, 90_000);

  it('toggles status: the Is Active cell changes and the user can no longer sign in', async () => {
    await createUser({ username: 'toggle.me', password: STRONG });
    const page = await adminPage('/admin/users?search=toggle.me');
    const cell = row(page, 'toggle.me').getByTestId('is-active');
    await poll(() => cell.textContent()).toBe('Active');
    await openAction(page, 'toggle.me', 'Toggle Status');
    await confirmDialog(page, "can't sign in and their sessions end", 'Deactivate');
    await poll(() => cell.textContent()).toBe('Inactive');

    const user = await c.newPage();
    await signIn(user, 'toggle.me', STRONG);
    await poll(() => user.getByRole('alert').textContent()).toContain('This account is deactivated');
  }, 90_000);

  it('edits a user, sending only what changed; the username stays read-only', async () => {
    await createUser({ username: 'edit.me', password: STRONG });
    const page = await adminPage('/admin/users?search=edit.me');
    await openAction(page, 'edit.me', 'Edit');
    const dialog = page.getByRole('dialog', { name: 'Edit edit.me' });
    expect(await dialog.getByLabel('Username').getAttribute('readonly')).not.toBeNull();
    await chooseOption(
      page,
      dialog.getByRole('combobox', { name: 'Role' }),
      'Process Operator (process_operator)',
    );
    await expectAccessible(page);
    const sent = page.waitForRequest((r) => r.method() === 'PATCH');
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect((await sent).postDataJSON()).toEqual({ role: 'process_operator' });
    await poll(() => row(page, 'edit.me').textContent()).toContain('Process Operator');
  }, 90_000);

  it('filters, searches and sorts through the URL; back and forward restore the filter', async () => {
    await createUser({ username: 'flt.anna', password: STRONG });
    await createUser({ username: 'flt.bert', password: STRONG, isActive: false });
    await createUser({ username: 'flt.cora', password: STRONG, role: 'process_operator' });
    const page = await adminPage();
    await row(page, ADMIN_USERNAME).waitFor();
    const url = () => new URL(page.url()).searchParams;

    await page.getByLabel('Search').fill('flt');
    await poll(() => url().get('search')).toBe('flt');
    await poll(() => rowNames(page)).toEqual(['flt.anna', 'flt.bert', 'flt.cora']);
    await poll(() => page.getByTestId('user-total').textContent()).toBe('3 users');

    await chooseOption(page, page.getByRole('combobox', { name: 'Role' }), 'Viewer');
    await poll(() => url().get('role')).toBe('viewer');
    await poll(() => rowNames(page)).toEqual(['flt.anna', 'flt.bert']);
    await chooseOption(page, page.getByRole('combobox', { name: 'Is Active' }), 'Yes');
    await poll(() => url().get('isActive')).toBe('true');
    await poll(() => rowNames(page)).toEqual(['flt.anna']);

    await page.goBack();
    await poll(() => url().get('isActive')).toBeNull();
    await poll(() => rowNames(page)).toEqual(['flt.anna', 'flt.bert']);
    await page.goForward();
    await poll(() => rowNames(page)).toEqual(['flt.anna']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => page.url()).not.toContain('?');
    // The list has caught up with the cleared URL before typing again.
    await poll(() => page.getByLabel('Search').inputValue()).toBe('');
    await poll(() => rowNames(page)).toContain(ADMIN_USERNAME);
    await page.getByLabel('Search').fill('flt');
    await poll(() => rowNames(page)).toEqual(['flt.anna', 'flt.bert', 'flt.cora']);
    const username = page.getByRole('columnheader', { name: /Username/ });
    await username.getByRole('button').click();
    await poll(() => username.getAttribute('aria-sort')).toBe('ascending');
    await username.getByRole('button').click();
    await poll(() => username.getAttribute('aria-sort')).toBe('descending');
    expect(url().get('sort')).toBe('username');
    expect(url().get('order')).toBe('desc');
    await poll(() => rowNames(page)).toEqual(['flt.cora', 'flt.bert', 'flt.anna']);
    const created = page.getByRole('columnheader', { name: /Created At/ });
    await created.getByRole('button').click();
    await poll(() => created.getAttribute('aria-sort')).toBe('descending');
    expect(await username.getAttribute('aria-sort')).toBe('none');
    expect(url().get('sort')).toBe('createdAt');

    await chooseOption(page, page.getByRole('combobox', { name: 'Page size' }), '10');
    await poll(() => url().get('pageSize')).toBe('10');

    // A shared link opens the same list.
    const other = await adminPage('/admin/users?search=flt&role=viewer&isActive=false');
    await poll(() => rowNames(other)).toEqual(['flt.bert']);

    // A search that matches nothing says what to do next.
    await page.getByLabel('Search').fill('no-such-user-anywhere');
    await page.getByText('No users match these filters').waitFor();
    await expectAccessible(page);

    if (process.env.SCREENSHOT === '1') {
      const shot = await adminPage();
      await shot.emulateMedia({ colorScheme: 'light' });
      await shot.setViewportSize({ width: 1280, height: 800 });
      await row(shot, 'prometheus_scraper').waitFor();
      await shot.screenshot({ path: 'docs/console-users.png' });
    }
  }, 90_000);

  it('deletes a user after confirmation; Delete is disabled on your own row, with the reason', async () => {
    const warning = "this can't be undone; audit entries about them are kept";
    const page = await confirmedActionOnNewUser('del.me', 'Delete', warning);
    await page.getByText('No users match these filters').waitFor();

    await page.goto(`/admin/users?search=${ADMIN_USERNAME}`);
    await page.getByRole('button', { name: `Actions for ${ADMIN_USERNAME}` }).click();
    const del = page.getByRole('menuitem', { name: 'Delete' });
    expect(await del.isDisabled()).toBe(true);
    expect(await page.getByRole('menu').textContent()).toContain('You cannot delete your own account');
    await expectAccessible(page);
  }, 90_000);

  it("shows a user's detail panel: fields, live sessions (revocable) and recent audit entries", async () => {
    const { id } = await createUser({ username: 'detail.me', password: STRONG });
    const user = await c.newPage();
    await signIn(user, 'detail.me', STRONG);
    await user.getByRole('navigation', { name: 'Main' }).waitFor();

    const page = await adminPage('/admin/users?search=detail.me');
    await page.getByRole('link', { name: 'detail.me' }).click();
    await page.getByRole('heading', { name: 'detail.me', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/users/${id}`);
    const sessions = page.getByRole('table', { name: 'Sessions of detail.me' });
    await poll(() => sessions.locator('tbody tr').count()).toBe(1);
    const audit = page.getByRole('table', { name: 'Audit entries about detail.me' });
    await poll(() => audit.textContent()).toContain('user.created');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Revoke Sessions' }).click();
    await confirmDialog(page, 'All their sessions end now', 'Revoke Sessions');
    await page.getByText('No live sessions').waitFor();
    await api().get('/auth/api/users').set(bearer(admin)).expect(200);
  }, 90_000);

  it('lists a never-expiring API user in Account Hygiene with its reason, linked to the user', async () => {
    const { id } = await createUser({
      username: 'forever_bot',
      role: 'api_user',
      isApiUser: true,
      apiTokenTtlDays: -1,
    });
    const page = await adminPage('/admin/hygiene');
    const entry = page.getByTestId('hygiene-row-forever_bot');
    await poll(() => entry.textContent()).toContain('API token never expires');
    await expectAccessible(page);
    await entry.getByRole('link', { name: 'forever_bot' }).click();
    await page.getByRole('heading', { name: 'forever_bot', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/users/${id}`);
    await poll(() => page.getByRole('main').textContent()).toContain('Never');
  }, 90_000);
});
