import { describe, expect, it } from 'vitest';
import { hashOf, loginUser, successEntry, txManager } from '../../test/support/service-fakes.js';
import {
  admin,
  analysts,
  newUser,
  readers,
  setup,
  userAdmin,
} from '../../test/support/users-service-scene.js';
import { PrivilegeEscalationError, RoleNotFoundError } from '../roles/roles.errors.js';
import {
  CannotDeactivateSelfError,
  EmailTakenError,
  LastAdministratorError,
  UsernameTakenError,
} from './users.errors.js';

describe('UsersService.create', () => {
  it('refuses PRIVILEGE_ESCALATION for a role with a permission the actor lacks, before writing', async () => {
    const s = setup();
    await expect(s.service.create(userAdmin, { ...newUser, role: 'analysts' })).rejects.toBeInstanceOf(
      PrivilegeEscalationError,
    );
    await expect(s.service.create(userAdmin, { ...newUser, role: 'analysts' })).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
    expect(s.tx.runs).toBe(0);
  });

  it('checks the role again as held in the transaction, so a grant grown meanwhile is refused', async () => {
    const grown = { ...readers, permissions: [...readers.permissions, 'ai_analysis_data'] };
    const s = setup({ roleReads: [readers, grown] });
    await expect(s.service.create(userAdmin, newUser)).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    expect(s.roleLookups).toEqual([
      { name: 'readers', share: false },
      { name: 'readers', share: true },
    ]);
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('answers ROLE_NOT_FOUND for an unknown role', async () => {
    const s = setup();
    const refused = s.service.create(admin, { ...newUser, role: 'nobody' });
    await expect(refused).rejects.toBeInstanceOf(RoleNotFoundError);
    await expect(refused).rejects.toMatchObject({ code: 'ROLE_NOT_FOUND' });
    expect(s.writes).toEqual([]);
  });

  it('answers USERNAME_TAKEN and EMAIL_TAKEN before hashing anything', async () => {
    const byName = setup({ taken: { username: true, email: true } });
    await expect(byName.service.create(admin, newUser)).rejects.toBeInstanceOf(UsernameTakenError);
    const byEmail = setup({ taken: { username: false, email: true } });
    await expect(byEmail.service.create(admin, newUser)).rejects.toBeInstanceOf(EmailTakenError);
    await expect(byEmail.service.create(admin, newUser)).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect([...byName.hasher.hashed, ...byEmail.hasher.hashed]).toEqual([]);
    expect([...byName.writes, ...byEmail.writes]).toEqual([]);
  });

  it('inserts the hashed password and records one user.created entry without it, in the transaction', async () => {
    const s = setup();
    const answer = await s.service.create(userAdmin, newUser);
    expect(s.writes).toEqual([
      {
        op: 'insert',
        id: 8,
        manager: txManager,
        value: expect.objectContaining({ username: 'carol', passwordHash: hashOf(newUser.password) }),
      },
    ]);
    expect(s.entries).toEqual([
      successEntry(
        'user.created',
        { id: 2, username: 'ua' },
        { id: 8, username: 'carol' },
        { role: 'readers', isActive: true, isApiUser: false, apiTokenTtlDays: null },
      ),
    ]);
    expect(s.managers).toEqual([txManager]);
    expect(JSON.stringify(s.entries)).not.toContain(newUser.password);
    expect(answer).toMatchObject({ user: { id: 8, username: 'carol', role: 'readers' } });
    expect(answer).not.toHaveProperty('apiToken');
  });
});

describe('UsersService.update', () => {
  it('refuses PRIVILEGE_ESCALATION on a user holding a permission the actor lacks', async () => {
    const s = setup({ user: loginUser({ roleName: 'analysts', rolePermissions: analysts.permissions }) });
    await expect(s.service.update(userAdmin, 7, { email: 'new@example.com' })).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('refuses PRIVILEGE_ESCALATION for a new role the actor could not grant', async () => {
    const s = setup();
    await expect(s.service.update(userAdmin, 7, { role: 'administrator' })).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    expect(s.writes).toEqual([]);
  });

  it('answers ROLE_NOT_FOUND for an unknown role and EMAIL_TAKEN for an address another user has', async () => {
    const unknown = setup();
    await expect(unknown.service.update(admin, 7, { role: 'nobody' })).rejects.toBeInstanceOf(
      RoleNotFoundError,
    );
    const taken = setup({ emailTakenByOther: true });
    await expect(taken.service.update(admin, 7, { email: 'eve@example.com' })).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect([...unknown.writes, ...taken.writes, ...unknown.entries, ...taken.entries]).toEqual([]);
  });

  it('refuses CANNOT_DEACTIVATE_SELF before opening a transaction', async () => {
    const s = setup();
    await expect(s.service.update(admin, 1, { isActive: false })).rejects.toBeInstanceOf(
      CannotDeactivateSelfError,
    );
    expect(s.tx.runs).toBe(0);
  });

  it('writes nothing, records nothing and evicts nothing for an edit that changes nothing', async () => {
    const s = setup();
    const answer = await s.service.update(admin, 7, {
      email: 'bob@example.com',
      role: 'readers',
      isActive: true,
      isApiUser: false,
    });
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
    expect(s.evicted).toEqual([]);
    expect(answer).toMatchObject({ id: 7, email: 'bob@example.com' });
  });

  it('records exactly one user.updated entry with what changed before and after, then evicts after commit', async () => {
    const s = setup();
    await s.service.update(admin, 7, { email: 'robert@example.com', role: 'analysts' });
    expect(s.writes).toEqual([
      {
        op: 'update',
        id: 7,
        manager: txManager,
        value: { roleName: 'analysts', email: 'robert@example.com' },
      },
    ]);
    expect(s.entries).toHaveLength(1);
    expect(s.entries[0]).toMatchObject({
      action: 'user.updated',
      actor: { id: 1, username: 'admin' },
      target: { type: 'user', id: 7, label: 'bob' },
      details: {
        before: { role: 'readers', email: 'bob@example.com' },
        after: { role: 'analysts', email: 'robert@example.com' },
      },
    });
    expect(s.log).toEqual(['update:7', 'audit:user.updated', 'commit', 'evict:7']);
  });

  it('consults the last-administrator rule with the state before and after a demotion', async () => {
    const s = setup({
      user: loginUser({ roleName: 'administrator', rolePermissions: ['full_access'] }),
      refuseLastAdministrator: true,
    });
    const refused = s.service.update(admin, 7, { role: 'readers' });
    await expect(refused).rejects.toBeInstanceOf(LastAdministratorError);
    await expect(refused).rejects.toMatchObject({ code: 'LAST_ADMINISTRATOR' });
    expect(s.administratorChanges[0]).toEqual({
      userId: 7,
      before: { isActive: true, isApiUser: false, permissions: ['full_access'] },
      after: { isActive: true, isApiUser: false, permissions: ['portfolio_data'] },
    });
    expect(s.writes).toEqual([]);
    expect(s.entries).toEqual([]);
  });

  it('ends the sessions of a user it deactivates, unless deactivation is told not to', async () => {
    const ending = setup({ revoked: 2 });
    await ending.service.update(admin, 7, { isActive: false });
    expect(ending.revokedAll).toEqual([{ userId: 7 }]);
    expect(ending.administratorChanges[0]).toMatchObject({ after: { isActive: false } });
    expect(ending.entries[0]!.details).toMatchObject({
      before: { isActive: true },
      after: { isActive: false },
      sessionsRevoked: 2,
    });

    const lasting = setup({ deactivationEndsSessions: false });
    await lasting.service.update(admin, 7, { isActive: false });
    expect(lasting.revokedAll).toEqual([]);
  });
});
