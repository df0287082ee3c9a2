import { describe, expect, it } from 'vitest';
import { hygieneReasons } from './user-hygiene.js';
import type { UserRecord } from './user-record.js';
import { userRecord } from '../../test/support/service-fakes.js';

const DAY = 24 * 3600 * 1000;
const now = Date.UTC(2026, 5, 1);

// A healthy account as of `now`: signed in yesterday, created 100 days ago.
const user = (over: Partial<UserRecord> = {}): UserRecord =>
  userRecord({
    apiTokenIssuedAt: new Date(now - DAY),
    lastLoginAt: new Date(now - DAY),
    createdAt: new Date(now - 100 * DAY),
    ...over,
  });
const codes = (u: UserRecord) => hygieneReasons(u, now).map((r) => r.code);

describe('hygieneReasons', () => {
  it('has nothing to say about a healthy account', () => {
    expect(codes(user())).toEqual([]);
  });

  it('flags regular users who never logged in over 30 days after creation', () => {
    expect(codes(user({ lastLoginAt: null, createdAt: new Date(now - 31 * DAY) }))).toEqual([
      'never_logged_in',
    ]);
    expect(codes(user({ lastLoginAt: null, createdAt: new Date(now - 30 * DAY + 1000) }))).toEqual([]);
  });

  it('does not flag API users for never logging in: they cannot', () => {
    const api = user({
      isApiUser: true,
      hasApiToken: true,
      apiTokenExpiresAt: new Date(now + 60 * DAY),
      lastLoginAt: null,
    });
    expect(codes(api)).toEqual([]);
  });

  it('flags 5 or more failed logins since the last success', () => {
    expect(codes(user({ failedLoginCount: 4 }))).toEqual([]);
    expect(codes(user({ failedLoginCount: 5 }))).toEqual(['repeated_failed_logins']);
  });

  it('flags tokens that never expire, expire within 7 days, have expired or were revoked', () => {
    const api = { isApiUser: true, hasApiToken: true, lastLoginAt: null };
    expect(codes(user({ ...api, apiTokenExpiresAt: null }))).toEqual(['token_never_expires']);
    expect(codes(user({ ...api, apiTokenExpiresAt: new Date(now + 6 * DAY) }))).toEqual(['token_expiring']);
    expect(codes(user({ ...api, apiTokenExpiresAt: new Date(now - DAY) }))).toEqual(['token_expired']);
    expect(codes(user({ ...api, hasApiToken: false, apiTokenExpiresAt: new Date(now - DAY) }))).toEqual([
      'token_expired',
    ]);
  });

  it('flags inactive accounts, with every other reason that applies', () => {
    expect(codes(user({ isActive: false, failedLoginCount: 9, lastLoginAt: null }))).toEqual([
      'never_logged_in',
      'repeated_failed_logins',
      'inactive',
    ]);
  });

  it('flags an API token unused for 30 days, counting from its issue while it was never used', () => {
    const api = (over: Partial<UserRecord>) =>
      user({ isApiUser: true, hasApiToken: true, apiTokenExpiresAt: new Date(now + 60 * DAY), ...over });
    expect(codes(api({ apiTokenLastUsedAt: new Date(now - 29 * DAY) }))).toEqual([]);
    expect(codes(api({ apiTokenLastUsedAt: new Date(now - 31 * DAY) }))).toEqual(['token_unused']);
    expect(codes(api({ apiTokenIssuedAt: new Date(now - 29 * DAY) }))).toEqual([]);
    expect(codes(api({ apiTokenIssuedAt: new Date(now - 31 * DAY) }))).toEqual(['token_unused']);
    expect(hygieneReasons(api({ apiTokenIssuedAt: null }), now)[0].message).toBe(
      'API token unused for 30 days: never used',
    );
  });

  it('flags a previous token used since the new one was issued, while its grace runs', () => {
    const api = (over: Partial<UserRecord>) =>
      user({
        isApiUser: true,
        hasApiToken: true,
        apiTokenExpiresAt: new Date(now + 60 * DAY),
        apiTokenIssuedAt: new Date(now - 2 * 3600_000),
        hasPreviousToken: true,
        previousTokenValidUntil: new Date(now + 3600_000),
        ...over,
      });
    expect(codes(api({ previousTokenLastUsedAt: new Date(now - 60_000) }))).toEqual([
      'previous_token_in_use',
    ]);
    expect(codes(api({ previousTokenLastUsedAt: new Date(now - 3 * 3600_000) }))).toEqual([]);
    expect(codes(api({ previousTokenLastUsedAt: null }))).toEqual([]);
    expect(
      codes(api({ previousTokenLastUsedAt: new Date(now - 60_000), previousTokenValidUntil: new Date(now) })),
    ).toEqual([]);
  });

  it('flags a regular user whose role requires MFA and who has not enrolled', () => {
    expect(codes(user({ roleRequiresMfa: true }))).toEqual(['mfa_not_enrolled']);
    expect(codes(user({ roleRequiresMfa: true, mfaEnabled: true }))).toEqual([]);
    expect(
      codes(
        user({
          roleRequiresMfa: true,
          isApiUser: true,
          hasApiToken: true,
          apiTokenExpiresAt: new Date(now + 90 * DAY),
        }),
      ),
    ).toEqual([]);
  });
});
