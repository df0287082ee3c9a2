// Browser fixtures for the admin console: the real service on a loopback port, the built console in
// front of it, and Debian's Chromium driven by playwright-core (no browser download; playwright gives
// each launch a fresh profile and removes it on close).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, type StartOptions, startTestApp, type TestApp } from './harness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CONSOLE_DIR = 'dist/web';

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The console's files under /admin/ (deep links answer index.html), everything else proxied to the app.
function consoleServer(appPort: number): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/admin')) {
      const rel = normalize(path.slice('/admin'.length)).replace(/^\/+/, '');
      let file = join(CONSOLE_DIR, rel);
      if (!rel || !existsSync(file) || !extname(file)) file = join(CONSOLE_DIR, 'index.html');
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: appPort, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
}

/** Boots the service on a fresh database and opens Chromium. Call `close()` in afterAll. */
export async function startConsole(options: StartOptions = {}): Promise<ConsoleFixture> {
  if (!existsSync(join(CONSOLE_DIR, 'index.html')))
    throw new Error('Build the console first: npm run build:web');
  const t = await startTestApp(options);
  const contexts: BrowserContext[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    await t.app.listen(0, '127.0.0.1');
    const appPort = (t.app.getHttpServer().address() as AddressInfo).port;
    server = consoleServer(appPort);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    const b = browser;
    const s = server;
    return {
      t,
      origin,
      browser: b,
      async newPage() {
        const context = await b.newContext({ baseURL: origin, acceptDownloads: true });
        contexts.push(context);
        return context.newPage();
      },
      async close() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await b.close().catch(() => undefined);
        await new Promise<void>((resolve) => s.close(() => resolve()));
        await t.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    server?.close();
    await t.close();
    throw e;
  }
}

/** Signs in through the sign-in screen and waits for the signed-in frame. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/admin/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}
