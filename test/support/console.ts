// The admin console in a browser: the real service on a loopback port serving the built console
// (dist/web) at /admin/, and Debian's Chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { expectNoSeriousA11yViolations, launchChromium, newContext, startConsoleApp } from './browser.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, type StartOptions, type TestApp } from './harness.js';

export { ADMIN_PASSWORD, ADMIN_USERNAME };

export interface ConsoleFixture {
  t: TestApp;
  /** e.g. http://127.0.0.1:41234 — the console is at `${origin}/admin/`. */
  origin: string;
  browser: Browser;
  /** A fresh browser context (its own sessionStorage), closed with the fixture. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Boots the service with the built console on a fresh database and opens Chromium. Close it in afterAll. */
export async function startConsole(options: Pick<StartOptions, 'env'> = {}): Promise<ConsoleFixture> {
  if (!existsSync('dist/web/index.html')) throw new Error('Build the console first: npm run build:web');
  const server = await startConsoleApp({ env: options.env });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const contexts: BrowserContext[] = [];
  return {
    t: server.t,
    origin: server.baseUrl,
    browser,
    async newPage() {
      const context = await newContext(browser, { baseURL: server.baseUrl, acceptDownloads: true });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      try {
        for (const c of contexts) await c.close().catch(() => undefined);
        await browser.close().catch(() => undefined);
      } finally {
        await server.close();
      }
    },
  };
}

// Booting the service and Chromium on two busy cores: a bound against hanging, never a measurement.
const START_TIMEOUT_MS = 300_000;

/**
 * One console and browser for the tests of the enclosing describe: started
 * before the first of them, closed after the last. The answer stands for that
 * fixture; hooks the suite adds after this call run once it is up.
 */
export function useConsole(options: Pick<StartOptions, 'env'> = {}): ConsoleFixture {
  let current: ConsoleFixture | undefined;
  const stop = async () => {
    const started = current;
    current = undefined;
    await started?.close();
  };
  beforeAll(async () => {
    current = await startConsole(options);
  }, START_TIMEOUT_MS);
  afterAll(stop);
  // The suite holds the answer from its first line; every read reaches the fixture of the moment.
  return new Proxy({} as ConsoleFixture, {
    get(_, key) {
      if (key === 'close') return stop;
      if (!current) throw new Error("the console runs only between its describe block's hooks");
      return Reflect.get(current, key);
    },
  });
}

/** Signs in through the sign-in screen. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/admin/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** No serious or critical accessibility violation on the page as it is now. */
export const expectAccessible = expectNoSeriousA11yViolations;
