import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

const directives = (csp: string) => csp.split('; ');

describe('securityHeaders', () => {
  const headersFor = securityHeaders('admin');

  it("gives the console's paths a policy without inline script, and nothing else that policy", () => {
    for (const url of ['/admin', '/admin/', '/admin/users/5', '/admin?x=1']) {
      expect(directives(headersFor(url, false)['content-security-policy']), url).toContain(
        "script-src 'self'",
      );
      expect(headersFor(url, false)['x-frame-options'], url).toBe('DENY');
    }
    for (const url of ['/docs', '/administrators', '/auth/api/admin', '/']) {
      expect(directives(headersFor(url, false)['content-security-policy']), url).toContain(
        "script-src 'self' 'unsafe-inline'",
      );
    }
  });

  it('adds upgrade-insecure-requests and HSTS over TLS only', () => {
    for (const url of ['/admin/', '/docs']) {
      const plain = headersFor(url, false);
      expect(plain['strict-transport-security']).toBeUndefined();
      expect(directives(plain['content-security-policy'])).not.toContain('upgrade-insecure-requests');
      const tls = headersFor(url, true);
      expect(tls['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(directives(tls['content-security-policy'])).toContain('upgrade-insecure-requests');
    }
  });

  it('hands out the same frozen objects on every request: nothing is built per request', () => {
    expect(headersFor('/admin/a', false)).toBe(headersFor('/admin/b', false));
    expect(headersFor('/docs', true)).toBe(headersFor('/health/live', true));
    expect(Object.isFrozen(headersFor('/docs', false))).toBe(true);
    for (const name of Object.keys(headersFor('/admin/', true))) expect(name).toBe(name.toLowerCase());
    expect(securityHeaders(false)('/admin/', false)['x-frame-options']).toBe('SAMEORIGIN');
  });
});
