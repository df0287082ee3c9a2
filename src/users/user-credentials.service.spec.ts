import { describe, expect, it } from 'vitest';
import {
  NOW,
  caller,
  client,
  fixedClock,
  hashOf,
  loginUser,
  successEntry,
  txManager,
  userRecord,
  userServiceFakes,
} from '../../test/support/service-fakes.js';
import type { Actor } from './actor.js';
import { PasswordPolicy } from './password-policy.js';
import type { ApiTokenIssuer, PlannedApiToken } from './api-token-issuer.js';
import { TEMPORARY_PASSWORD_LENGTH, UserCredentialsService } from './user-credentials.service.js';
import {
  ApiUserHasNoPasswordError,
  NoPreviousTokenError,
  NotAnApiUserError,
  UserNotFoundError,
} from './users.errors.js';

const HOUR_MS = 3_600_000;
const admin: Actor = { auth: caller(), client };
const userAdmin: Actor = {
  auth: caller({ userId: 2, username: 'ua', permissions: new Set(['manage_users', 'portfolio_data']) }),
  client,
};
const planned: PlannedApiToken = { tokenId: 'next-token-id', expiresAt: new Date(NOW + 30 * 24 * HOUR_MS) };

const apiUser = (over: Parameters<typeof loginUser>[0] = {}) =>
  loginUser({
    username: 'robot',
    isApiUser: true,
    passwordHash: null,
    apiTokenTtlDays: 30,
    hasApiToken: true,
    apiTokenId: 'current-token-id',
    rolePermissions: ['portfolio_data', 'api_access'],
    ...over,
  });

function setup(opts: Parameters<typeof userServiceFakes>[0] = {}) {
  const f = userServiceFakes(opts);
  const tokens = {
    plan: () => planned,
    sign: (userId: number, p: PlannedApiToken) => `signed:${userId}:${p.tokenId}`,
  } as unknown as ApiTokenIssuer;
  const service = new UserCredentialsService(
    f.changes,
    f.repo,
    f.sessions,
    f.hasher.hasher,
    f.policy,
    tokens,
    fixedClock(),
  );
  return { service, ...f };
}

describe('UserCredentialsService.resetPassword', () => {
  it('refuses an API user, an unknown user and a user holding more than the actor, hashing nothing', async () => {
    const api = setup({ user: apiUser() });
    await expect(api.service.resetPassword(admin, 7)).rejects.toBeInstanceOf(ApiUserHasNoPasswordError);
    const unknown = setup({ user: null });
    await expect(unknown.service.resetPassword(admin, 7)).rejects.toBeInstanceOf(UserNotFoundError);
    const stronger = setup({ user: loginUser({ rolePermissions: ['audit_log_data'] }) });
    await expect(stronger.service.resetPassword(userAdmin, 7)).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    for (const s of [api, unknown, stronger]) {
      expect(s.hasher.hashed).toEqual([]);
      expect(s.writes).toEqual([]);
      expect(s.entries).toEqual([]);
    }
  });

  it('checks again under the row lock: a user made an API user meanwhile is refused', async () => {
    const s = setup({ user: loginUser(), locked: userRecord({ isApiUser: true }) });
    await expect(s.service.resetPassword(admin, 7)).rejects.toMatchObject({
      code: 'API_USER_HAS_NO_PASSWORD',
    });
    expect(s.writes).toEqual([]);
    expect(s.revokedAll).toEqual([]);
  });

  it('sets an acceptable temporary password to be changed, ends the sessions and audits without it', async () => {
    const s = setup({ revoked: 2 });
    const { temporaryPassword } = await s.service.resetPassword(admin, 7);

    expect([...temporaryPassword]).toHaveLength(TEMPORARY_PASSWORD_LENGTH);
    expect(new PasswordPolicy().check(temporaryPassword, 'bob')).toEqual([]);
    expect(s.writes).toEqual([
      {
        op: 'update',
        id: 7,
        manager: txManager,
        value: { passwordHash: hashOf(temporaryPassword), mustChangePassword: true },
      },
    ]);
    expect(s.revokedAll).toEqual([{ userId: 7 }]);
    expect(s.entries).toEqual([
      successEntry(
        'user.password_reset',
        { id: 1, username: 'admin' },
        { id: 7, username: 'bob' },
        { mustChangePassword: true, sessionsRevoked: 2 },
      ),
    ]);
    expect(JSON.stringify(s.entries)).not.toContain(temporaryPassword);
    expect(s.log).toEqual(['update:7', 'revoke-all:7', 'audit:user.password_reset', 'commit', 'evict:7']);
  });
});

describe('UserCredentialsService.regenerateToken', () => {
  it('refuses NOT_AN_API_USER for a regular user', async () => {
    const s = setup();
    await expect(s.service.regenerateToken(admin, 7)).rejects.toBeInstanceOf(NotAnApiUserError);
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('rotates the token, answers it once and audits without it, then evicts after commit', async () => {
    const s = setup({ user: apiUser() });
    const answer = await s.service.regenerateToken(admin, 7);
    expect(answer).toEqual({
      apiToken: 'signed:7:next-token-id',
      expiresAt: planned.expiresAt!.toISOString(),
      previousTokenValidUntil: null,
    });
    expect(s.writes).toEqual([
      {
        op: 'rotateToken',
        id: 7,
        manager: txManager,
        value: { next: { ...planned, issuedAt: new Date(NOW) }, validUntil: null },
      },
    ]);
    expect(s.entries).toHaveLength(1);
    expect(s.entries[0]).toMatchObject({
      action: 'user.token_regenerated',
      details: { apiTokenTtlDays: 30, graceHours: 0, previousTokenValidUntil: null },
    });
    expect(JSON.stringify(s.entries)).not.toMatch(/token-id|signed:/);
    expect(s.log.slice(-2)).toEqual(['commit', 'evict:7']);
  });

  it('gives a grace only to a token that works now', async () => {
    const working = setup({ user: apiUser() });
    const graced = await working.service.regenerateToken(admin, 7, 2);
    expect(graced.previousTokenValidUntil).toBe(new Date(NOW + 2 * HOUR_MS).toISOString());
    expect(working.entries[0]!.details).toMatchObject({ graceHours: 2 });

    const expired = setup({ user: apiUser({ apiTokenExpiresAt: new Date(NOW) }) });
    await expect(expired.service.regenerateToken(admin, 7, 2)).resolves.toMatchObject({
      previousTokenValidUntil: null,
    });
    expect(expired.entries[0]!.details).toMatchObject({ graceHours: 0 });

    const suspended = setup({ user: apiUser({ isActive: false }) });
    await expect(suspended.service.regenerateToken(admin, 7, 2)).resolves.toMatchObject({
      previousTokenValidUntil: null,
    });
  });
});

describe('UserCredentialsService.revokePreviousToken', () => {
  it('refuses NO_PREVIOUS_TOKEN without a previous token, or once its grace has run out', async () => {
    const none = setup({ user: apiUser() });
    await expect(none.service.revokePreviousToken(admin, 7)).rejects.toBeInstanceOf(NoPreviousTokenError);
    const ranOut = setup({
      user: apiUser({ hasPreviousToken: true, previousTokenValidUntil: new Date(NOW) }),
    });
    await expect(ranOut.service.revokePreviousToken(admin, 7)).rejects.toMatchObject({
      code: 'NO_PREVIOUS_TOKEN',
    });
    expect([...none.writes, ...ranOut.writes, ...none.entries, ...ranOut.entries]).toEqual([]);
  });

  it('refuses NOT_AN_API_USER for a regular user', async () => {
    const s = setup();
    await expect(s.service.revokePreviousToken(admin, 7)).rejects.toMatchObject({ code: 'NOT_AN_API_USER' });
  });

  it('ends a running grace, audits it and evicts after commit', async () => {
    const until = new Date(NOW + HOUR_MS);
    const s = setup({ user: apiUser({ hasPreviousToken: true, previousTokenValidUntil: until }) });
    await s.service.revokePreviousToken(admin, 7);
    expect(s.writes).toEqual([
      {
        op: 'update',
        id: 7,
        manager: txManager,
        value: { previousApiTokenId: null, previousTokenValidUntil: null },
      },
    ]);
    expect(s.entries[0]).toMatchObject({
      action: 'user.previous_token_revoked',
      details: { previousTokenValidUntil: until.toISOString(), previousTokenLastUsedAt: null },
    });
    expect(s.log).toEqual(['update:7', 'audit:user.previous_token_revoked', 'commit', 'evict:7']);
  });
});
