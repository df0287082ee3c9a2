import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, expectAccessible, signIn, useConsole } from '../support/console.js';

describe('admin console: sign in', () => {
  const c = useConsole();

  it('refuses a wrong password with the contract message and passes the accessibility check', async () => {
    const page = await c.newPage();
    await signIn(page, ADMIN_USERNAME, 'Wrong-Passw0rd!');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password');
    await expectAccessible(page);
  });

  it('signs the administrator in, shows the sections, and signs out', async () => {
    const page = await c.newPage();
    await signIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'User Management' }).waitFor();
    for (const name of ['Roles & Permissions', 'Audit Log', 'Account Hygiene', 'My Account'])
      expect(await nav.getByRole('link', { name }).count()).toBe(1);
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await expectAccessible(page);
    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
