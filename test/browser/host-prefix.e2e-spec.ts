import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, launchChromium, newContext } from '../support/browser.js';
import { signIn } from '../support/console.js';
import { HOST_ADMIN, type HostApp, startHostApp } from '../support/host.js';

// A host that mounts the IAM routes under a prefix of its own and serves the built console: every call the
// console makes goes to that prefix, none to the contract's /auth/api.
describe(
  'the admin console in a host that mounts the API at /iam/v1',
  { timeout: 2 * BROWSER_TIMEOUT_MS },
  () => {
    let host: HostApp;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      if (!existsSync('dist/web/index.html')) throw new Error('Build the console first: npm run build:web');
      host = await startHostApp({ adapter: 'fastify', iam: { routePrefix: '/iam/v1/', adminConsole: {} } });
      await host.app.listen(0, '127.0.0.1');
      const { port } = host.app.getHttpServer().address() as AddressInfo;
      browser = await launchChromium();
      context = await newContext(browser, { baseURL: `http://127.0.0.1:${port}` });
    }, 5 * BROWSER_TIMEOUT_MS);
    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await host?.close();
    }, 2 * BROWSER_TIMEOUT_MS);

    it('signs in and lists the users through the host’s prefix', async () => {
      const page = await context.newPage();
      const calls: string[] = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (!path.startsWith('/admin/')) calls.push(`${r.method()} ${path}`);
      });
      await signIn(page, HOST_ADMIN.username, HOST_ADMIN.password);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'User Management' })
        .click();
      await page.getByRole('cell', { name: HOST_ADMIN.username, exact: true }).first().waitFor();
      expect(calls).toContain('POST /iam/v1/login');
      expect(calls).toContain('GET /iam/v1/me');
      expect(calls.some((c) => c.startsWith('GET /iam/v1/users'))).toBe(true);
      expect(calls.filter((c) => c.includes('/auth/api'))).toEqual([]);
    });
  },
);
