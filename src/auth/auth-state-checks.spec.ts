import { describe, expect, it } from 'vitest';
import type { CachedSession } from '../sessions/session-state.js';
import { userRecord } from '../../test/support/service-fakes.js';
import { checkApiToken, checkSession } from './auth-state-checks.js';
import { TokenExpiredError, TokenRevokedError } from './auth.errors.js';
import { cachedUserOf } from './user-state.js';

// Far from the machine's own time: every decision below is made at the time it is given.
const AT = Date.parse('2031-05-01T12:00:00Z');

const session = (over: Partial<CachedSession> = {}): CachedSession => ({
  userId: 7,
  expiresAt: AT + 60_000,
  revoked: false,
  lastSeenAt: AT,
  createdAt: AT,
  rememberMe: false,
  ip: null,
  userAgent: null,
  ...over,
});

const person = cachedUserOf({ ...userRecord(), apiTokenId: null, previousApiTokenId: null });
const apiUser = cachedUserOf({
  ...userRecord({ isApiUser: true, apiTokenExpiresAt: new Date(AT + 60_000) }),
  apiTokenId: 'current',
  previousApiTokenId: 'previous',
  previousTokenValidUntil: new Date(AT + 30_000),
});

describe('checkSession', () => {
  it('judges the stored expiry at the time it is given', () => {
    expect(() => checkSession(session(), person, 7, true, AT + 59_999)).not.toThrow();
    expect(() => checkSession(session(), person, 7, true, AT + 60_000)).toThrow(TokenExpiredError);
  });

  it('refuses a revoked session before looking at the time', () => {
    expect(() => checkSession(session({ revoked: true }), person, 7, true, AT)).toThrow(TokenRevokedError);
  });
});

describe('checkApiToken', () => {
  it("judges the current token's stored expiry at the time it is given", () => {
    expect(checkApiToken(apiUser, 'current', AT + 59_999)).toBe(false);
    expect(() => checkApiToken(apiUser, 'current', AT + 60_000)).toThrow(TokenExpiredError);
  });

  it("judges the previous token's grace at the same time", () => {
    expect(checkApiToken(apiUser, 'previous', AT + 29_999)).toBe(true);
    expect(() => checkApiToken(apiUser, 'previous', AT + 30_000)).toThrow(TokenRevokedError);
  });
});
