// Steps that several console scenarios take alike: signing in, test data made through the public API as
// another administrator would have made it, and the menus and one-time secrets of the users list.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, type ConsoleFixture, expectAccessible, signIn } from './console.js';
import { bearer, type TestApp } from './harness.js';
import { ROLES_PATH } from './roles.js';
import { createUser } from './users.js';

export interface Credentials {
  username: string;
  password: string;
}

export const ADMIN: Credentials = { username: ADMIN_USERNAME, password: ADMIN_PASSWORD };

/** Signs in through the sign-in screen and waits until the console behind it shows. */
export async function signInAs(page: Page, who: Credentials): Promise<void> {
  await signIn(page, who.username, who.password);
  await page.getByTestId('account-menu').waitFor();
}

/** A fresh page (a session of its own) signed in as `as`, the administrator unless given; then at `at`. */
export async function signedInPage(
  c: ConsoleFixture,
  { as = ADMIN, at }: { as?: Credentials; at?: string } = {},
): Promise<Page> {
  const page = await c.newPage();
  await signInAs(page, as);
  if (at) await page.goto(at);
  return page;
}

export interface RoleBody {
  name: string;
  displayName: string;
  permissions: string[];
}

/** Creates a role through the API as `token`'s holder; fails the test unless it answers 201. */
export async function createRoleViaApi(t: TestApp, token: string, role: RoleBody): Promise<void> {
  const res = await t.http().post(ROLES_PATH).set(bearer(token)).send(role);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** The role as above, unless the service has one of that name already (a starter role, say). */
export async function ensureRole(t: TestApp, token: string, role: RoleBody): Promise<void> {
  const found = await t.http().get(`${ROLES_PATH}/${role.name}`).set(bearer(token));
  if (found.status === 404) await createRoleViaApi(t, token, role);
}

/** A fresh role made through the API and a user of it, who signs in with `user`'s password. */
export async function createRoleHolder(
  t: TestApp,
  token: string,
  role: RoleBody,
  user: Credentials,
): Promise<void> {
  await createRoleViaApi(t, token, role);
  await createUser(t, token, { ...user, role: role.name });
}

/** The row of `username` in the users list. */
export const userRow = (page: Page, username: string): Locator => page.getByTestId(`user-row-${username}`);

/** Chooses `item` from the actions menu of `username`'s row. */
export async function openUserAction(page: Page, username: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${username}` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/**
 * Reads the one-time secret off its dialog, checks the dialog's accessibility and closes it (which asks
 * first); answers the secret and what the dialog said while it showed it.
 */
export async function takeSecret(page: Page): Promise<{ secret: string; text: string }> {
  const dialog = page.getByRole('dialog');
  const value = page.getByTestId('secret-value');
  await value.waitFor();
  const text = (await dialog.textContent()) ?? '';
  await expectAccessible(page);
  const secret = (await value.textContent())!.trim();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.getByRole('button', { name: 'Yes, I have copied it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return { secret, text };
}
