import { existsSync, mkdirSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import type { AdminConsoleOptions } from '../../src/config/admin-console.options.js';
import { startTestApp, type TestApp } from './harness.js';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright downloads no browser of its own here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long one browser step may take on two busy cores: a bound against hanging, never a measurement. */
export const BROWSER_TIMEOUT_MS = 90_000;

/**
 * Chromium with a profile of its own: launch() gives every browser a fresh,
 * empty user-data-dir and removes it at close(), so no state leaks between
 * runs. Close it in afterAll.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...extraArgs],
    timeout: BROWSER_TIMEOUT_MS,
  });
}

/**
 * A fresh context (its own cookies and storage: one signed-in person) with generous timeouts. It asks for
 * reduced motion, so the console's dialogs and menus open without a transition: a page checked for
 * contrast is never caught halfway through a fade.
 */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US', reducedMotion: 'reduce', ...options });
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
  return context;
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
export function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export interface ConsoleApp {
  t: TestApp;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  close(): Promise<void>;
}

export interface ConsoleAppOptions {
  /** The built console by default (dist/web); a stub folder in tests of the serving itself. */
  adminConsole?: AdminConsoleOptions;
  /** The address to listen on (default loopback). */
  host?: string;
  env?: Record<string, string | undefined>;
}

/** The real service with the console on, listening on a free port for a browser to reach. */
export async function startConsoleApp(options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const t = await startTestApp({ app: { adminConsole: options.adminConsole ?? {} }, env: options.env });
  try {
    const host = options.host ?? '127.0.0.1';
    await t.app.listen({ port: 0, host });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    return { t, baseUrl: `http://${host}:${port}`, close: () => t.close() };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/**
 * Runs axe on the page once its transitions have ended; fails on any serious or critical violation, naming
 * each. Colour contrast read during a fade is the contrast of a half-transparent element, not the page's.
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  await settleAnimations(page);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** Waits until every finite animation and transition on the page has finished (spinners loop forever). */
export async function settleAnimations(page: Page): Promise<void> {
  // A function, not a string: the console's CSP forbids eval, and a string would be evaluated as one. The
  // document is typed by hand because this project's TypeScript has no DOM library.
  type AnimatedDocument = {
    getAnimations(): { playState: string; effect: { getComputedTiming(): { iterations?: number } } | null }[];
  };
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: AnimatedDocument }).document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  );
}

/** Saves a full-page PNG under SCREENSHOT_DIR (default: the system temp folder); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'champa-iam-screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
