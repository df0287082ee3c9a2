import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenUsage } from '../../src/auth/api-token-usage.js';
import { bearer } from '../support/harness.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  type ConsoleFixture,
  expectAccessible,
  signIn,
  startConsole,
} from '../support/console.js';

describe('admin console: rotating an API token with a grace', () => {
  let c: ConsoleFixture;
  let admin: string;
  const api = () => c.t.http();
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });
  const row = (page: Page, username: string) => page.getByTestId(`user-row-${username}`);

  async function adminPage(path: string): Promise<Page> {
    const page = await c.newPage();
    await signIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(path);
    return page;
  }

  async function openAction(page: Page, username: string, item: string): Promise<void> {
    await page.getByRole('button', { name: `Actions for ${username}` }).click();
    await page.getByRole('menuitem', { name: item }).click();
  }

  async function takeSecret(page: Page): Promise<{ secret: string; text: string }> {
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

  beforeAll(async () => {
    c = await startConsole();
    const login = await api()
      .post('/auth/api/login')
      .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD });
    admin = login.body.accessToken as string;
    await api()
      .post('/auth/api/roles')
      .set(bearer(admin))
      .send({ name: 'rotation_bot_role', displayName: 'Rotation Bot', permissions: ['api_access'] })
      .expect(201);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('keeps the old token for 24 hours, shows the grace and both last uses, then revokes the old token', async () => {
    const created = await api()
      .post('/auth/api/users')
      .set(bearer(admin))
      .send({
        username: 'rotation_bot',
        email: 'rotation_bot@example.test',
        role: 'rotation_bot_role',
        isApiUser: true,
        apiTokenTtlDays: 90,
      })
      .expect(201);
    const old = created.body.apiToken as string;
    await api().get('/auth/api/me').set(bearer(old)).expect(200);
    await c.t.app.get(ApiTokenUsage).settled();

    const page = await adminPage('/admin/users?search=rotation_bot');
    await row(page, 'rotation_bot').waitFor();
    expect(await row(page, 'rotation_bot').getByTestId('token-usage').textContent()).not.toContain(
      'Last used: never',
    );

    await openAction(page, 'rotation_bot', 'Regenerate API Token');
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.textContent()).toContain('Keep the old token working for');
    for (const choice of ['None', '1 hour', '24 hours', '7 days'])
      expect(await dialog.getByRole('radio', { name: choice }).count()).toBe(1);
    expect(await dialog.getByRole('radio', { name: 'None' }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: '24 hours' }).check();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Regenerate API Token', exact: true }).click();
    const { secret: fresh, text } = await takeSecret(page);
    expect(text).toContain('The old token keeps working until');
    await api().get('/auth/api/me').set(bearer(old)).expect(200);
    await api().get('/auth/api/me').set(bearer(fresh)).expect(200);

    await poll(() => row(page, 'rotation_bot').textContent()).toContain('Old token works until');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'rotation_bot' }).click();
    await poll(() => page.textContent('body')).toContain('Previous Token Works Until');
    expect(await page.textContent('body')).toContain('Previous Token Last Used');
    expect(await page.textContent('body')).toContain('API Token Last Used');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Actions for rotation_bot' }).click();
    await page.getByRole('menuitem', { name: 'Revoke Previous Token' }).click();
    const confirm = page.getByRole('dialog');
    await poll(() => confirm.textContent()).toContain('The old token stops working now');
    await expectAccessible(page);
    await confirm.getByRole('button', { name: 'Revoke Previous Token', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await poll(() => page.textContent('body')).not.toContain('Previous Token Works Until');
    await api().get('/auth/api/me').set(bearer(old)).expect(401);
    await api().get('/auth/api/me').set(bearer(fresh)).expect(200);

    // Without a grace (the default choice) the old token ends at once.
    await page.getByRole('button', { name: 'Actions for rotation_bot' }).click();
    await page.getByRole('menuitem', { name: 'Regenerate API Token' }).click();
    await poll(() => page.getByRole('dialog').textContent()).toContain('the old token stops working now');
    await page.getByRole('dialog').getByRole('button', { name: 'Regenerate API Token', exact: true }).click();
    const third = await takeSecret(page);
    expect(third.text).toContain('The old token no longer works.');
    await api().get('/auth/api/me').set(bearer(fresh)).expect(401);
    await api().get('/auth/api/me').set(bearer(third.secret)).expect(200);
  }, 120_000);
});
