import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { isAdministrator, LastAdministratorRule } from './last-administrator.js';
import type { AdministratorScope, RoleMembers } from './role-members.js';
import type { RolesRepository } from './roles.repository.js';

describe('isAdministrator', () => {
  it.each([
    [{ isActive: true, isApiUser: false, permissions: ['full_access'] }, true],
    [{ isActive: true, isApiUser: false, permissions: ['manage_users', 'full_access'] }, true],
    [{ isActive: false, isApiUser: false, permissions: ['full_access'] }, false],
    [{ isActive: true, isApiUser: true, permissions: ['full_access'] }, false],
    [{ isActive: true, isApiUser: false, permissions: ['manage_users', 'manage_roles'] }, false],
  ])('%o → %s', (state, expected) => {
    expect(isAdministrator(state)).toBe(expected);
  });
});

describe('LastAdministratorRule', () => {
  const admin = { isActive: true, isApiUser: false, permissions: ['full_access'] };
  const refusal = () => new Error('LAST_ADMINISTRATOR');

  /** A rule over counts by scope; records whether the lock was taken and what was counted. */
  function rule(counts: { inRole?: number; exceptRole?: number; exceptUser?: number }) {
    const calls: string[] = [];
    const roles = { lockAdministrators: async () => void calls.push('lock') } as unknown as RolesRepository;
    const members = {
      countAdministrators: async (_m: unknown, scope: AdministratorScope) => {
        const kind = Object.keys(scope)[0] as keyof typeof counts;
        calls.push(kind);
        return counts[kind] ?? 0;
      },
    } as unknown as RoleMembers;
    return { rule: new LastAdministratorRule(roles, members), calls };
  }
  const m = {} as EntityManager;

  it('refuses removing the only administrator, under the lock', async () => {
    const { rule: r, calls } = rule({ exceptUser: 0 });
    await expect(r.assertKept({ userId: 1, before: admin, after: null }, m, refusal)).rejects.toThrow(
      'LAST_ADMINISTRATOR',
    );
    expect(calls).toEqual(['lock', 'exceptUser']);
  });

  it('lets a user go while another administrator remains, and ignores changes that keep one', async () => {
    const { rule: r, calls } = rule({ exceptUser: 1 });
    await r.assertKept({ userId: 1, before: admin, after: { ...admin, isActive: false } }, m, refusal);
    await r.assertKept({ userId: 1, before: admin, after: admin }, m, refusal);
    await r.assertKept({ userId: 1, before: { ...admin, isApiUser: true }, after: null }, m, refusal);
    expect(calls).toEqual(['lock', 'exceptUser']);
  });

  it('refuses taking full_access from the role of the last administrators, not from a role without any', async () => {
    const losing = { role: 'ops', before: ['full_access'], after: ['manage_users'] };
    await expect(rule({ inRole: 2, exceptRole: 0 }).rule.assertKept(losing, m, refusal)).rejects.toThrow();
    await rule({ inRole: 2, exceptRole: 1 }).rule.assertKept(losing, m, refusal);
    await rule({ inRole: 0, exceptRole: 0 }).rule.assertKept(losing, m, refusal);
    const { rule: r, calls } = rule({});
    await r.assertKept({ ...losing, after: ['full_access'] }, m, refusal);
    expect(calls).toEqual([]);
  });
});
