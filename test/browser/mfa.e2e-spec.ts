import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { adminToken, bearer, createUserRow } from '../support/harness.js';
import { expectAccessible, signIn, useConsole } from '../support/console.js';
import { openUserAction, signedInPage, userRow } from '../support/console-steps.js';
import { heldClock, totpAt } from '../support/mfa.js';

const PASSWORD = 'Test-Passw0rd!';
const POLL = { timeout: 60_000, interval: 200 };

describe('admin console: two-factor sign-in', () => {
  const c = useConsole();
  let clock: ReturnType<typeof heldClock>;
  afterEach(() => clock?.restore());

  /** Enrols on whichever screen shows the enrolment (My Account or the forced one); answers the secret and codes. */
  async function enrolHere(p: Page, scope: Locator): Promise<{ secret: string; codes: string[] }> {
    await scope.getByLabel('Current password').fill(PASSWORD);
    await scope.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await p.getByRole('img', { name: 'QR code of the authenticator secret' }).waitFor();
    const secret = (await p.getByTestId('mfa-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(p);
    await scope.getByLabel('Authentication code').fill(totpAt(secret, clock.now));
    await scope.getByRole('button', { name: 'Confirm' }).click();
    const shown = p.getByTestId('recovery-codes');
    await shown.waitFor();
    const codes = (await shown.textContent())!.trim().split(/\s+/);
    expect(codes).toHaveLength(10);
    await expectAccessible(p);
    const [file] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('button', { name: 'Download' }).click(),
    ]);
    const text = readFileSync((await file.path())!, 'utf8');
    for (const code of codes) expect(text).toContain(code);
    await p.getByRole('button', { name: 'Done' }).click();
    return { secret, codes };
  }

  it('enrols under My Account, then signs in with a code and with a recovery code', async () => {
    clock = heldClock(c.t);
    const user = await createUserRow(c.t);
    const p = await signedInPage(c, {
      as: { username: user.username, password: PASSWORD },
      at: '/admin/account',
    });
    await p.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    const card = p.getByTestId('two-factor');
    await card.getByRole('button', { name: 'Set up' }).click();
    const { secret, codes } = await enrolHere(p, card);
    await card.getByText('On', { exact: true }).waitFor();

    // The code step: a wrong code says so; the right one signs in.
    clock.advance();
    const next = await c.newPage();
    await signIn(next, user.username, PASSWORD);
    await next.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await expectAccessible(next);
    await next.getByLabel('Authentication code').fill('000000');
    await next.getByRole('button', { name: 'Verify' }).click();
    await next
      .getByRole('alert')
      .getByText(/not correct/)
      .waitFor();
    await next.getByLabel('Authentication code').fill(totpAt(secret, clock.now));
    await next.getByRole('button', { name: 'Verify' }).click();
    await next.getByTestId('account-menu').waitFor();

    const third = await c.newPage();
    await signIn(third, user.username, PASSWORD);
    await third.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await third.getByLabel('Recovery code').fill(codes[0]);
    await third.getByRole('button', { name: 'Verify' }).click();
    await third.getByTestId('account-menu').waitFor();
  });

  it('sends a user whose role requires MFA to enrolment first, and only then into the console', async () => {
    clock = heldClock(c.t);
    const role = `mfa_${Date.now().toString(36)}`;
    await c.t.dataSource.query(
      `INSERT INTO roles (name, display_name, description, permissions, require_mfa) VALUES ($1, 'Needs MFA', '', $2, true)`,
      [role, ['audit_log_data']],
    );
    const user = await createUserRow(c.t, { role });
    const p = await c.newPage();
    await signIn(p, user.username, PASSWORD);
    await p.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
    expect(new URL(p.url()).pathname).toBe('/admin/enrol-mfa');
    await expectAccessible(p);
    await enrolHere(p, p.getByRole('main'));
    await p.getByTestId('account-menu').waitFor();
    await expect.poll(() => new URL(p.url()).pathname, POLL).toBe('/admin/audit');
  });

  it('shows MFA in the user list, filters by it, resets it; the role form sets Require MFA', async () => {
    clock = heldClock(c.t);
    const user = await createUserRow(c.t);
    const session = await c.t
      .http()
      .post('/auth/api/login')
      .send({ username: user.username, password: PASSWORD });
    const token = session.body.accessToken as string;
    const setup = await c.t
      .http()
      .post('/auth/api/me/mfa/totp/setup')
      .set(bearer(token))
      .send({ currentPassword: PASSWORD });
    await c.t
      .http()
      .post('/auth/api/me/mfa/totp/confirm')
      .set(bearer(token))
      .send({ code: totpAt(setup.body.secret as string, clock.now) })
      .expect(200);

    const p = await signedInPage(c, { at: '/admin/users?mfaEnabled=true' });
    const row = userRow(p, user.username);
    await row.waitFor();
    expect(await row.getByTestId('mfa').textContent()).toBe('On');
    await expectAccessible(p);

    await openUserAction(p, user.username, 'Reset MFA');
    const dialog = p.getByRole('dialog');
    await dialog.getByText(/authenticator and recovery codes stop working/).waitFor();
    await expectAccessible(p);
    await dialog.getByRole('button', { name: 'Reset MFA', exact: true }).click();
    // The filter shows enrolled users only: the reset user leaves the list.
    await expect.poll(() => row.count(), POLL).toBe(0);
    await p.goto('/admin/users?mfaEnabled=false');
    await expect
      .poll(async () => (await row.count()) && row.getByTestId('mfa').textContent(), POLL)
      .toBe('Off');

    await p.goto('/admin/roles');
    await p.getByRole('button', { name: 'Create New Role' }).click();
    const create = p.getByRole('dialog', { name: 'Create New Role' });
    await create.getByRole('textbox', { name: 'Name', exact: true }).fill('mfa_readers');
    await create.getByRole('textbox', { name: 'Display Name' }).fill('MFA Readers');
    await create.getByRole('checkbox', { name: 'audit_log_data', exact: true }).check();
    await create.getByRole('checkbox', { name: /Require MFA/ }).check();
    await expectAccessible(p);
    await create.getByRole('button', { name: 'Create role' }).click();
    await create.waitFor({ state: 'hidden' });
    await p.getByTestId('role-mfa_readers').getByText('MFA required').waitFor();
    const admin = await adminToken(c.t);
    const saved = await c.t.http().get('/auth/api/roles/mfa_readers').set(bearer(admin.token));
    expect(saved.body.requireMfa).toBe(true);
  });
});
