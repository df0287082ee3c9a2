import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_TIMEOUT_MS,
  type ConsoleApp,
  expectNoSeriousA11yViolations,
  lanAddress,
  launchChromium,
  newContext,
  screenshot,
  startConsoleApp,
} from '../support/browser.js';
import { STUB_TITLE, type StubConsole, stubConsole } from '../support/stub-console.js';

// Reached the way a colleague's browser reaches it: by a LAN address over plain HTTP. Without one,
// a made-up name that Chromium resolves to loopback (and so does not treat as a secure origin).
const lan = lanAddress();
const FAKE_HOST = 'iam-lan.test';

const scriptDirective = (csp: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src '));

describe('the admin console and Swagger UI in Chromium', { timeout: 2 * BROWSER_TIMEOUT_MS }, () => {
  let app: ConsoleApp;
  let stub: StubConsole;
  let browser: Browser;
  let context: BrowserContext;
  let base = '';

  beforeAll(async () => {
    stub = stubConsole();
    app = await startConsoleApp({
      adminConsole: { root: stub.root },
      host: lan ?? '127.0.0.1',
      env: { TRUST_PROXY: 'true' },
    });
    const port = new URL(app.baseUrl).port;
    base = lan ? app.baseUrl : `http://${FAKE_HOST}:${port}`;
    browser = await launchChromium(lan ? [] : [`--host-resolver-rules=MAP ${FAKE_HOST} 127.0.0.1`]);
    context = await newContext(browser);
  }, 5 * BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    stub?.dispose();
  }, 2 * BROWSER_TIMEOUT_MS);

  async function open(path: string): Promise<{ page: Page; responses: Response[]; errors: string[] }> {
    const page = await context.newPage();
    const responses: Response[] = [];
    const errors: string[] = [];
    page.on('response', (r) => responses.push(r));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    return { page, responses, errors };
  }

  it('follows / to /admin/ and runs the bundle, but not the inline script', async () => {
    const { page, responses, errors } = await open('/');
    try {
      expect(page.url()).toBe(`${base}/admin/`);
      await expect.poll(() => page.locator('#status').textContent()).toBe('bundle ran');
      expect(await page.evaluate(() => (globalThis as { __bundleRan?: boolean }).__bundleRan)).toBe(true);
      expect(
        await page.evaluate(() => (globalThis as { __inlineRan?: boolean }).__inlineRan),
      ).toBeUndefined();
      expect(errors.some((e) => e.includes('Content Security Policy'))).toBe(true);
      const doc = responses.find((r) => r.url() === `${base}/admin/`)!;
      expect(doc.headers()['cache-control']).toBe('no-store');
      expect(scriptDirective(doc.headers()['content-security-policy'])).toBe("script-src 'self'");
      const bundle = responses.find((r) => r.url() === `${base}/admin/${stub.bundle}`)!;
      expect(bundle.status()).toBe(200);
      expect(bundle.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    } finally {
      await page.close();
    }
  });

  it('opens a deep link on the app itself, with no serious accessibility violation', async () => {
    const { page } = await open('/admin/users/5?tab=sessions');
    try {
      expect(await page.title()).toBe(STUB_TITLE);
      await expect.poll(() => page.locator('#status').textContent()).toBe('bundle ran');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'stub-console-deep-link');
    } finally {
      await page.close();
    }
  });

  it('renders Swagger UI at /docs over plain HTTP: no upgrade-insecure-requests, no HSTS', async () => {
    const { page, responses } = await open('/docs');
    try {
      await page.locator('.swagger-ui .info .title').waitFor({ state: 'visible' });
      expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('champa-iam');
      for (const r of responses.filter((r) => r.url().startsWith(base))) {
        const headers = r.headers();
        expect(headers['strict-transport-security'], r.url()).toBeUndefined();
        expect(headers['content-security-policy'] ?? '', r.url()).not.toContain('upgrade-insecure-requests');
      }
      expect(responses.every((r) => r.url().startsWith(base))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('sends both behind a TLS-terminating proxy (X-Forwarded-Proto: https, TRUST_PROXY on)', async () => {
    for (const path of ['/docs', '/admin/']) {
      const res = await request(app.baseUrl).get(path).redirects(1).set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['content-security-policy'], path).toContain('upgrade-insecure-requests');
    }
  });
});
