import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, useConsole } from '../support/console.js';
import { createRoleHolder, createRoleViaApi, signedInPage } from '../support/console-steps.js';
import { adminToken, bearer } from '../support/harness.js';

// Polls wait as long as the steps may take on a busy machine.
const POLL = { timeout: 60_000 };

async function downloaded(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('admin console: Audit Log', () => {
  const c = useConsole();
  let token: string;
  beforeAll(async () => {
    token = (await adminToken(c.t)).token;
    // Enough entries for more than one page of 25.
    for (let i = 0; i < 27; i++) {
      await createRoleViaApi(c.t, token, {
        name: `report_reader_${i}`,
        displayName: `Report Reader ${i}`,
        permissions: ['portfolio_data'],
      });
    }
    const viewer = await c.t
      .http()
      .patch('/auth/api/roles/report_reader_0')
      .set(bearer(token))
      .send({ description: 'Reads reports' });
    expect(viewer.status).toBe(200);
    await c.t.flushAudit();
  }, 300_000);

  it('reads and filters the log, pages by cursor, exports CSV and NDJSON, and verifies the chain', async () => {
    const page = await signedInPage(c, { at: '/admin/audit' });
    await page.getByRole('table', { name: 'Audit entries' }).waitFor();
    await expectAccessible(page);

    // Filter by action, 25 a page: the URL holds the filters; newest first.
    await page.getByRole('combobox', { name: 'Action' }).fill('role.created');
    await page.getByRole('combobox', { name: 'Per page' }).selectOption('25');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action'), POLL).toBe('role.created');
    const rows = page.getByTestId('audit-entry');
    await expect.poll(() => rows.count(), POLL).toBe(25);
    for (const code of await rows.locator('td:nth-child(3)').allTextContents())
      expect(code).toBe('role.created');
    expect(await rows.first().textContent()).toContain('Report Reader 26');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count(), POLL).toBe(27);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await rows.last().textContent()).toContain('Report Reader 0');

    // Details open as JSON.
    await rows.first().locator('summary').click();
    await rows.first().locator('pre, code').first().waitFor();
    expect(await rows.first().locator('details').textContent()).toContain('portfolio_data');
    await expectAccessible(page);

    // A shared link shows the same filters.
    const other = await signedInPage(c, { at: `/admin/audit?action=role.updated` });
    await expect.poll(() => other.getByTestId('audit-entry').count(), POLL).toBe(1);
    expect(await other.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('role.updated');

    // Export the current filter.
    const csv = await downloaded(page, 'Export CSV');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines.length).toBe(28);
    for (const line of lines.slice(1)) expect(line).toContain('role.created');
    expect(csv).toContain('report_reader_13');
    const ndjson = await downloaded(page, 'Export NDJSON');
    const entries = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; targetLabel: string });
    expect(entries.length).toBe(27);
    expect(new Set(entries.map((e) => e.action))).toEqual(new Set(['role.created']));

    // Verify chain.
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Chain intact: \d+ entries checked/);
    await expectAccessible(page);
  }, 300_000);

  it('narrows by target and time range, and says when nothing matches', async () => {
    const page = await signedInPage(c, { at: '/admin/audit' });
    await page.getByRole('textbox', { name: 'Target type' }).fill('role');
    await page.getByRole('textbox', { name: 'Target ID' }).fill('report_reader_0');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.getByTestId('audit-entry');
    await expect.poll(() => rows.count(), POLL).toBe(2);
    // A range in the future holds nothing.
    await page.getByLabel('From').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('Nothing matches these filters').waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toMatch(/^2099-01-01T/);
    await expectAccessible(page);
  }, 300_000);

  it('shows which permission is missing when the server refuses', async () => {
    const auditor = { username: 'auditor1', password: 'Aud1tor-Passw0rd' };
    const role = { name: 'auditor', displayName: 'Auditor', permissions: ['audit_log_data'] };
    await createRoleHolder(c.t, token, role, auditor);
    const page = await signedInPage(c, { as: auditor, at: '/admin/audit' });
    await page.getByRole('table', { name: 'Audit entries' }).waitFor();
    // The role loses the permission while the screen is open: the next request is refused.
    const edit = await c.t
      .http()
      .patch('/auth/api/roles/auditor')
      .set(bearer(token))
      .send({ permissions: ['portfolio_data'] });
    expect(edit.status).toBe(200);
    await page.getByRole('textbox', { name: 'Actor' }).fill('admin');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Permission required' });
    await alert.waitFor();
    expect(await alert.locator('code').allTextContents()).toEqual(['audit_log_data']);
    await expectAccessible(page);
  }, 300_000);
});
