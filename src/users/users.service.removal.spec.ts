import { describe, expect, it } from 'vitest';
import { loginUser } from '../../test/support/service-fakes.js';
import { admin, setup, userAdmin } from '../../test/support/users-service-scene.js';
import { CannotDeleteSelfError } from './users.errors.js';

describe('UsersService.remove', () => {
  it('refuses CANNOT_DELETE_SELF before opening a transaction', async () => {
    const s = setup();
    await expect(s.service.remove(admin, 1)).rejects.toBeInstanceOf(CannotDeleteSelfError);
    expect(s.tx.runs).toBe(0);
  });

  it('refuses PRIVILEGE_ESCALATION on a user holding a permission the actor lacks', async () => {
    const s = setup({ user: loginUser({ rolePermissions: ['full_access'] }) });
    await expect(s.service.remove(userAdmin, 7)).rejects.toMatchObject({ code: 'PRIVILEGE_ESCALATION' });
    expect(s.writes).toEqual([]);
    expect(s.revokedAll).toEqual([]);
  });

  it('asks the last-administrator rule about a user that will be gone, and keeps it on refusal', async () => {
    const s = setup({
      user: loginUser({ rolePermissions: ['full_access'] }),
      refuseLastAdministrator: true,
    });
    await expect(s.service.remove(admin, 7)).rejects.toMatchObject({ code: 'LAST_ADMINISTRATOR' });
    expect(s.administratorChanges).toEqual([
      { userId: 7, before: { isActive: true, isApiUser: false, permissions: ['full_access'] }, after: null },
    ]);
    expect(s.writes).toEqual([]);
  });

  it('revokes the sessions, deletes, records user.deleted and evicts after commit', async () => {
    const s = setup({ revoked: 3 });
    await s.service.remove(admin, 7);
    expect(s.log).toEqual(['revoke-all:7', 'delete:7', 'audit:user.deleted', 'commit', 'evict:7']);
    expect(s.entries[0]).toMatchObject({
      target: { type: 'user', id: 7, label: 'bob' },
      details: { role: 'readers', email: 'bob@example.com', isApiUser: false, sessionsRevoked: 3 },
    });
  });
});

describe('UsersService.toggleStatus', () => {
  it('refuses CANNOT_DEACTIVATE_SELF for the caller', async () => {
    const s = setup();
    await expect(s.service.toggleStatus(admin, 1)).rejects.toMatchObject({ code: 'CANNOT_DEACTIVATE_SELF' });
    expect(s.tx.runs).toBe(0);
  });

  it('consults the last-administrator rule on a deactivation only', async () => {
    const off = setup({ user: loginUser({ rolePermissions: ['full_access'] }) });
    await off.service.toggleStatus(admin, 7);
    expect(off.administratorChanges).toEqual([
      {
        userId: 7,
        before: { isActive: true, isApiUser: false, permissions: ['full_access'] },
        after: { isActive: false, isApiUser: false, permissions: ['full_access'] },
      },
    ]);

    const on = setup({ user: loginUser({ isActive: false, rolePermissions: ['full_access'] }) });
    await on.service.toggleStatus(admin, 7);
    expect(on.administratorChanges).toEqual([]);
    expect(on.revokedAll).toEqual([]);
    expect(on.entries[0]).toMatchObject({
      action: 'user.status_changed',
      details: { before: { isActive: false }, after: { isActive: true } },
    });
    expect(on.log.slice(-2)).toEqual(['commit', 'evict:7']);
  });
});
