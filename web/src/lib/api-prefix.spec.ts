import { describe, expect, it } from 'vitest';
import { CONTRACT_PREFIX, servedPath, servedPrefix } from './api-prefix';

/** A page that names `content` as the API's prefix, or none. */
const page = (content?: string) => ({
  querySelector: (selector: string) =>
    content !== undefined && selector === 'meta[name="champa-iam-api-prefix"]' ? { content } : null,
});

describe('where the console finds the API', () => {
  it("takes the prefix the page names, else the contract's own", () => {
    expect(servedPrefix(page('/iam/v1') as never)).toBe('/iam/v1');
    expect(servedPrefix(page('/iam/v1/') as never)).toBe('/iam/v1');
    expect(servedPrefix(page('/') as never)).toBe('');
    expect(servedPrefix(page() as never)).toBe(CONTRACT_PREFIX);
    expect(servedPrefix(page('  ') as never)).toBe(CONTRACT_PREFIX);
    expect(servedPrefix(page('https://elsewhere.example/api') as never)).toBe(CONTRACT_PREFIX);
  });

  it("moves the contract's paths under the served prefix, and nothing else", () => {
    expect(servedPath('/auth/api/users/5', '/iam/v1')).toBe('/iam/v1/users/5');
    expect(servedPath('/auth/api/audit/export?format=csv', '/iam/v1')).toBe(
      '/iam/v1/audit/export?format=csv',
    );
    expect(servedPath('/auth/api', '/iam/v1')).toBe('/iam/v1');
    expect(servedPath('/auth/api/me', '')).toBe('/me');
    expect(servedPath('/auth/api', '')).toBe('/');
    expect(servedPath('/auth/api/me', CONTRACT_PREFIX)).toBe('/auth/api/me');
    expect(servedPath('/auth/apiary', '/iam/v1')).toBe('/auth/apiary');
    expect(servedPath('/health/live', '/iam/v1')).toBe('/health/live');
  });
});
