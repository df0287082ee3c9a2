import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, expectAccessible, signIn, useConsole } from '../support/console.js';
import { ADMIN, signedInPage, signInAs } from '../support/console-steps.js';

const NEW_PASSWORD = 'Brand-New-Passw0rd!';

// Polls wait as long as the steps may take on a busy machine.
const POLL = { timeout: 60_000 };

/** The next API call of a revoked session ends on the sign-in screen, with the token forgotten. */
async function expectSignedOut(page: Page) {
  // A section the page is not on, so that it asks the API (the current one's link would not).
  const section = new URL(page.url()).pathname.startsWith('/admin/audit')
    ? 'Roles & Permissions'
    : 'Audit Log';
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
}

describe('admin console: My Account', () => {
  const c = useConsole();

  it('revokes another session of mine, then all others; each ends on the sign-in screen', async () => {
    const first = await signedInPage(c);
    const second = await signedInPage(c);

    await first.goto('/admin/account');
    await first.getByRole('heading', { name: 'My details' }).waitFor();
    const current = first.getByTestId('session-current');
    await current.getByText('This session').waitFor();
    const others = first.getByTestId('session-other');
    await expect.poll(() => others.count(), POLL).toBe(1);
    expect(await current.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    await expectAccessible(first);

    await others.getByRole('button', { name: /^Revoke the session started/ }).click();
    const dialog = first.getByRole('dialog', { name: 'Revoke this session?' });
    await dialog.waitFor();
    await expectAccessible(first);
    await dialog.getByRole('button', { name: 'Revoke session' }).click();
    await expect.poll(() => others.count(), POLL).toBe(0);
    await expectSignedOut(second);

    // Two more devices; "Revoke all other sessions" ends both and keeps this one.
    const third = await c.newPage();
    await signInAs(second, ADMIN);
    await signInAs(third, ADMIN);
    await first.reload();
    await expect.poll(() => others.count(), POLL).toBe(2);
    await first.getByRole('button', { name: 'Revoke all other sessions' }).click();
    const all = first.getByRole('dialog', { name: 'Revoke all other sessions?' });
    await all.getByText('2 other sessions end now').waitFor();
    await all.getByRole('button', { name: 'Revoke all other sessions' }).click();
    await expect.poll(() => others.count(), POLL).toBe(0);
    await current.waitFor();
    await expectSignedOut(second);
    await expectSignedOut(third);
  }, 300_000);

  it('changes my password from My Account; the new one signs in, the old one no longer does', async () => {
    const page = await signedInPage(c, { at: '/admin/account' });
    await page.getByLabel('Current password').fill('Not-My-Passw0rd');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /password/i })
      .first()
      .waitFor();
    await expectAccessible(page);

    await page.getByLabel('Current password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions have ended.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    await signIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    await expect
      .poll(() => page.getByRole('alert').textContent(), POLL)
      .toContain('Wrong username or password');
    await signInAs(page, { ...ADMIN, password: NEW_PASSWORD });
  }, 300_000);
});
