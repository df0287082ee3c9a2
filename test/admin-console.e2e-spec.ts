import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/harness.js';
import { expectRedirect, STUB_TITLE, useStubConsole } from './support/stub-console.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NOT_FOUND = { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'Not found' };

const directive = (csp: string, name: string): string | undefined =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d === name || d.startsWith(`${name} `));

describe('the admin console, served by the service', () => {
  const stub = useStubConsole();
  const t = useTestApp(() => ({ app: { adminConsole: { root: stub.root } }, env: { TRUST_PROXY: 'true' } }));

  it('redirects / to /admin/ (302), and /admin to /admin/', async () => {
    expectRedirect(await t.http().get('/'), '/admin/');
    expectRedirect(await t.http().get('/admin?tab=users'), '/admin/?tab=users');
  });

  it('answers /admin/ with index.html, never cached', async () => {
    const res = await t.http().get('/admin/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain(STUB_TITLE);
    // The page tells the console where the API is: the contract's own prefix here.
    const meta = res.text.indexOf('<meta name="champa-iam-api-prefix" content="/auth/api" />');
    expect(meta).toBeGreaterThan(0);
    expect(meta).toBeLessThan(res.text.indexOf('</head>'));
  });

  it('answers a deep link with index.html, so the app opens the page it names', async () => {
    for (const path of ['/admin/users/5', '/admin/roles?name=viewer', '/admin/users/john.doe']) {
      const res = await t.http().get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.text, path).toContain(STUB_TITLE);
    }
  });

  it('serves a hashed bundle with a year-long immutable cache', async () => {
    const res = await t.http().get(`/admin/${stub.bundle}`).expect(200);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toContain('__bundleRan');
  });

  it('answers a missing bundle with the JSON 404, not with index.html', async () => {
    const res = await t.http().get('/admin/assets/app-00000000.js');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_FOUND);
    const traversal = await t.http().get('/admin/assets/..%2f..%2fpackage.json');
    expect(traversal.status).toBe(404);
  });

  it('serves a file at the top of the build (an icon) as itself', async () => {
    const res = await t.http().get('/admin/favicon.svg').expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('keeps the JSON 404 for unknown paths outside the console, and the API protected', async () => {
    expect((await t.http().get('/no/such/route')).body).toEqual(NOT_FOUND);
    expect((await t.http().get('/administrators')).body).toEqual(NOT_FOUND);
    const users = await t.http().get('/auth/api/users');
    expect(users.status).toBe(401);
    expect(users.body.code).toBe('UNAUTHENTICATED');
  });

  it("sends the console's policy: its own scripts only, inline styles, no framing", async () => {
    const csp = (await t.http().get('/admin/users/5')).headers['content-security-policy'] as string;
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive(csp, 'img-src')).toBe("img-src 'self' data:");
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(csp, 'object-src')).toBe("object-src 'none'");
    expect(directive(csp, 'base-uri')).toBe("base-uri 'self'");
    const bundle = await t.http().get(`/admin/${stub.bundle}`);
    expect(bundle.headers['content-security-policy']).toBe(csp);
  });

  it("keeps Swagger UI's own policy at /docs", async () => {
    const csp = (await t.http().get('/docs-json')).headers['content-security-policy'] as string;
    expect(directive(csp, 'script-src')).toBe("script-src 'self' 'unsafe-inline'");
    expect(directive(csp, 'img-src')).toContain('validator.swagger.io');
  });

  it('sends upgrade-insecure-requests and HSTS only to a request that came over TLS', async () => {
    const plain = await t.http().get('/admin/');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(directive(plain.headers['content-security-policy'] as string, 'upgrade-insecure-requests')).toBe(
      undefined,
    );
    for (const path of ['/admin/', '/docs-json', '/health/live']) {
      const tls = await t.http().get(path).set('X-Forwarded-Proto', 'https');
      expect(tls.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
      expect(directive(tls.headers['content-security-policy'] as string, 'upgrade-insecure-requests')).toBe(
        'upgrade-insecure-requests',
      );
    }
  });

  it('leaves the console out of the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/admin'))).toEqual([]);
  });
});

describe('the admin console, not built yet', () => {
  const stub = useStubConsole();
  // Without TRUST_PROXY a forged X-Forwarded-Proto changes nothing.
  const t = useTestApp(() => ({
    app: { adminConsole: { path: '/console/', root: join(stub.root, 'missing') } },
  }));

  it('boots, and answers the console with a JSON 404 saying it is not built', async () => {
    expect((await t.http().get('/')).headers.location).toBe('/console/');
    for (const path of ['/console/', '/console/users/5']) {
      const res = await t.http().get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'NOT_FOUND',
        message: 'The admin console is not built; run npm run build',
      });
    }
    expect((await t.http().get('/console/assets/app.js')).body).toEqual(NOT_FOUND);
    expect((await t.http().get('/health/live')).status).toBe(200);
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY', async () => {
    const res = await t.http().get('/console/').set('X-Forwarded-Proto', 'https');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('the service with the admin console switched off', () => {
  const t = useTestApp({ env: { ADMIN_CONSOLE_ENABLED: 'false' } });

  it('redirects / to /docs (302), and /admin/ is the JSON 404', async () => {
    expectRedirect(await t.http().get('/'), '/docs');
    expect((await t.http().get('/admin/')).body).toEqual(NOT_FOUND);
  });
});
