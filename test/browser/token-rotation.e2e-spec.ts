import { beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenUsage } from '../../src/auth/api-token-usage.js';
import { login } from '../support/auth.js';
import { bearer } from '../support/harness.js';
import { createUser } from '../support/users.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, expectAccessible, useConsole } from '../support/console.js';
import {
  createRoleViaApi,
  openUserAction,
  signedInPage,
  takeSecret,
  userRow as row,
} from '../support/console-steps.js';

describe('admin console: rotating an API token with a grace', () => {
  const c = useConsole();
  let admin: string;
  const api = () => c.t.http();
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });

  beforeAll(async () => {
    admin = await login(c.t, ADMIN_USERNAME, ADMIN_PASSWORD);
    await createRoleViaApi(c.t, admin, {
      name: 'rotation_bot_role',
      displayName: 'Rotation Bot',
      permissions: ['api_access'],
    });
  });

  it('keeps the old token for 24 hours, shows the grace and both last uses, then revokes the old token', async () => {
    const created = await createUser(c.t, admin, {
      username: 'rotation_bot',
      role: 'rotation_bot_role',
      isApiUser: true,
      apiTokenTtlDays: 90,
    });
    const old = created.apiToken!;
    await api().get('/auth/api/me').set(bearer(old)).expect(200);
    await c.t.app.get(ApiTokenUsage).settled();

    const page = await signedInPage(c, { at: '/admin/users?search=rotation_bot' });
    await row(page, 'rotation_bot').waitFor();
    expect(await row(page, 'rotation_bot').getByTestId('token-usage').textContent()).not.toContain(
      'Last used: never',
    );

    await openUserAction(page, 'rotation_bot', 'Regenerate API Token');
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

    await openUserAction(page, 'rotation_bot', 'Revoke Previous Token');
    const confirm = page.getByRole('dialog');
    await poll(() => confirm.textContent()).toContain('The old token stops working now');
    await expectAccessible(page);
    await confirm.getByRole('button', { name: 'Revoke Previous Token', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await poll(() => page.textContent('body')).not.toContain('Previous Token Works Until');
    await api().get('/auth/api/me').set(bearer(old)).expect(401);
    await api().get('/auth/api/me').set(bearer(fresh)).expect(200);

    // Without a grace (the default choice) the old token ends at once.
    await openUserAction(page, 'rotation_bot', 'Regenerate API Token');
    await poll(() => page.getByRole('dialog').textContent()).toContain('the old token stops working now');
    await page.getByRole('dialog').getByRole('button', { name: 'Regenerate API Token', exact: true }).click();
    const third = await takeSecret(page);
    expect(third.text).toContain('The old token no longer works.');
    await api().get('/auth/api/me').set(bearer(fresh)).expect(401);
    await api().get('/auth/api/me').set(bearer(third.secret)).expect(200);
  }, 120_000);
});
