import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

const directives = (csp: string) => csp.split('; ');

describe('securityHeaders', () => {
  const headersFor = securityHeaders('admin');

  it("gives the console's paths a policy without inline script, and nothing else that policy", () => {
    for (const url of ['/admin', '/admin/', '/admin/users/5', '/admin?x=1']) {
      expect(directives(headersFor(url, false)['Content-Security-Policy']), url).toContain(
        "script-src 'self'",
      );
      expect(headersFor(url, false)['X-Frame-Options'], url).toBe('DENY');
    }
    for (const url of ['/docs', '/administrators', '/auth/api/admin', '/']) {
      expect(directives(headersFor(url, false)['Content-Security-Policy']), url).toContain(
        "script-src 'self' 'unsafe-inline'",
      );
    }
  });

  it('adds upgrade-insecure-requests and HSTS over TLS only', () => {
    for (const url of ['/admin/', '/docs']) {
      const plain = headersFor(url, false);
      expect(plain['Strict-Transport-Security']).toBeUndefined();
      expect(directives(plain['Content-Security-Policy'])).not.toContain('upgrade-insecure-requests');
      const tls = headersFor(url, true);
      expect(tls['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
      expect(directives(tls['Content-Security-Policy'])).toContain('upgrade-insecure-requests');
    }
  });

  it('hands out the same frozen objects on every request: nothing is built per request', () => {
    expect(headersFor('/admin/a', false)).toBe(headersFor('/admin/b', false));
    expect(headersFor('/docs', true)).toBe(headersFor('/health/live', true));
    expect(Object.isFrozen(headersFor('/docs', false))).toBe(true);
    expect(securityHeaders(false)('/admin/', false)['X-Frame-Options']).toBe('SAMEORIGIN');
  });
});
