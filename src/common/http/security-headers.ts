type Directives = Record<string, string[]>;

// Swagger UI boots from an inline script and styles itself inline; it loads nothing from elsewhere
// except the validator badge.
const DOCS_CSP: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:', 'validator.swagger.io'],
  'object-src': ["'none'"],
  'script-src': ["'self'", "'unsafe-inline'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

// The console runs only its own bundled scripts. Its component library writes style tags and
// attributes at run time, so styles alone may be inline.
const CONSOLE_CSP: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

const COMMON: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};

const HSTS = 'max-age=31536000; includeSubDomains';

function policy(directives: Directives, tls: boolean): string {
  const parts = Object.entries(directives).map(([name, values]) => `${name} ${values.join(' ')}`);
  // Over plain HTTP this would send the browser to https:// for every asset, which a server
  // reached by its LAN address does not answer: only where the page itself came over TLS.
  if (tls) parts.push('upgrade-insecure-requests');
  return parts.join('; ');
}

function headerSet(
  directives: Directives,
  frameOptions: string,
  tls: boolean,
): Readonly<Record<string, string>> {
  const headers = {
    ...COMMON,
    'Content-Security-Policy': policy(directives, tls),
    'X-Frame-Options': frameOptions,
    ...(tls ? { 'Strict-Transport-Security': HSTS } : {}),
  };
  // Named in lower case, as HTTP/1.1 servers send them and Fastify stores them: nothing to convert per request.
  return Object.freeze(
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  );
}

export type SecurityHeadersFor = (url: string, tls: boolean) => Readonly<Record<string, string>>;

/**
 * The security headers of every response, built once at boot: the console's
 * strict policy under its path, Swagger UI's looser one everywhere else, and
 * HSTS only on requests that came over TLS.
 */
export function securityHeaders(consolePath: string | false): SecurityHeadersFor {
  const docs = [headerSet(DOCS_CSP, 'SAMEORIGIN', false), headerSet(DOCS_CSP, 'SAMEORIGIN', true)] as const;
  if (consolePath === false) return (_url, tls) => docs[tls ? 1 : 0];
  const admin = [headerSet(CONSOLE_CSP, 'DENY', false), headerSet(CONSOLE_CSP, 'DENY', true)] as const;
  const base = `/${consolePath}`;
  const inConsole = (url: string): boolean => {
    if (!url.startsWith(base)) return false;
    const next = url.charCodeAt(base.length);
    // The path itself, or below it; not a sibling such as /administrators.
    return Number.isNaN(next) || next === 0x2f || next === 0x3f;
  };
  return (url, tls) => (inConsole(url) ? admin : docs)[tls ? 1 : 0];
}
