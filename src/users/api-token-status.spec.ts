import { describe, expect, it } from 'vitest';
import { apiTokenExpiry, apiTokenStatus } from './api-token-status.js';

const DAY = 24 * 3600 * 1000;
const now = Date.UTC(2026, 0, 15, 12);
const api = (expiresAt: Date | null, hasApiToken = true) => ({
  isApiUser: true,
  hasApiToken,
  apiTokenExpiresAt: expiresAt,
});

describe('apiTokenStatus', () => {
  it.each([
    ['a regular user', { isApiUser: false, hasApiToken: false, apiTokenExpiresAt: null }, null],
    ['a token without expiry', api(null), 'never'],
    ['8 days left', api(new Date(now + 8 * DAY)), 'valid'],
    ['exactly 7 days left', api(new Date(now + 7 * DAY)), 'valid'],
    ['a minute under 7 days', api(new Date(now + 7 * DAY - 60_000)), 'expiring'],
    ['1 ms left', api(new Date(now + 1)), 'expiring'],
    ['expiring now', api(new Date(now)), 'expired'],
    ['expired yesterday', api(new Date(now - DAY)), 'expired'],
    ['a revoked token', api(new Date(now - DAY), false), 'expired'],
  ] as const)('%s', (_name, user, status) => {
    expect(apiTokenStatus(user as Parameters<typeof apiTokenStatus>[0], now)).toBe(status);
  });
});

describe('apiTokenExpiry', () => {
  it('adds whole days, or none for -1', () => {
    expect(apiTokenExpiry(7, now)).toEqual(new Date(now + 7 * DAY));
    expect(apiTokenExpiry(365, now)).toEqual(new Date(now + 365 * DAY));
    expect(apiTokenExpiry(-1, now)).toBeNull();
  });
});
