import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { AuditService } from '../audit/audit.service.js';
import type { AuditEntryInput } from '../audit/audit.types.js';
import type { AuthContext } from '../common/auth/auth-context.js';
import type { IamOptions } from '../config/iam-options.js';
import type { Tx, TransactionRunner } from '../database/transaction.js';
import { PermissionCatalog } from './permission-catalog.js';
import type { LastAdministratorRule } from './last-administrator.js';
import type { RoleEntity } from './role.entity.js';
import type { RolePermissionsService } from './role-permissions.service.js';
import type { RoleMembers } from './role-members.js';
import type { RolesRepository } from './roles.repository.js';
import { RolesService } from './roles.service.js';

const client = { ip: '127.0.0.1', userAgent: 'spec' };
const admin: AuthContext = {
  userId: 1,
  username: 'admin',
  roleName: 'administrator',
  permissions: new Set(['full_access']),
  kind: 'session',
  mustChangePassword: false,
};

function sqlError(code: string): QueryFailedError {
  return new QueryFailedError('SQL', [], Object.assign(new Error('violation'), { code }));
}

function role(over: Partial<RoleEntity> = {}): RoleEntity {
  return {
    name: 'readers',
    displayName: 'Readers',
    description: '',
    permissions: ['portfolio_data'],
    requireMfa: false,
    isSystem: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...over,
  };
}

/** A RolesService over fakes: one role row, a user count, and whatever the fakes are told to throw. */
function setup(opts: {
  row?: RoleEntity | null;
  users?: number[];
  insertError?: Error;
  deleteError?: Error;
}) {
  const users = [...(opts.users ?? [0])];
  const audits: AuditEntryInput[] = [];
  const evicted: string[] = [];
  const afterCommit: (() => unknown)[] = [];
  const repo = {
    exists: async () => false,
    findForUpdate: async () => opts.row ?? null,
    insert: async (_m: unknown, v: Partial<RoleEntity>) => {
      if (opts.insertError) throw opts.insertError;
      return role(v);
    },
    update: async (_m: unknown, _n: string, changes: Partial<RoleEntity>) =>
      role({ ...opts.row, ...changes }),
    delete: async () => {
      if (opts.deleteError) throw opts.deleteError;
    },
  } as unknown as RolesRepository;
  const members = {
    countsOf: async () => ({ userCount: users.shift() ?? 0, apiUserCount: 0 }),
  } as unknown as RoleMembers;
  const tx = {
    run: async <T>(work: (t: Tx) => Promise<T>) => {
      const result = await work({ manager: {} as never, afterCommit: (fn) => afterCommit.push(fn) });
      for (const fn of afterCommit) await fn();
      return result;
    },
  } as unknown as TransactionRunner;
  const audit = { record: async (e: AuditEntryInput) => void audits.push(e) } as unknown as AuditService;
  const rolePermissions = {
    evict: async (name: string) => void evicted.push(name),
  } as unknown as RolePermissionsService;
  const catalog = new PermissionCatalog({ permissions: [] } as unknown as IamOptions);
  const lastAdministrator = { assertKept: async () => undefined } as unknown as LastAdministratorRule;
  const service = new RolesService(repo, members, catalog, tx, audit, rolePermissions, lastAdministrator);
  return { service, audits, evicted };
}

describe('RolesService', () => {
  it('maps a unique violation from a concurrent create to ROLE_EXISTS', async () => {
    const { service } = setup({ insertError: sqlError('23505') });
    await expect(
      service.create(admin, client, { name: 'readers', displayName: 'R', permissions: ['portfolio_data'] }),
    ).rejects.toMatchObject({ code: 'ROLE_EXISTS', message: "Role 'readers' already exists" });
  });

  it('maps a foreign-key violation from a concurrent assignment to ROLE_IN_USE with the count', async () => {
    // no user when counted in the transaction, then the delete meets the one a concurrent request added
    const { service, audits } = setup({ row: role(), users: [0, 1], deleteError: sqlError('23503') });
    await expect(service.remove(admin, client, 'readers')).rejects.toMatchObject({
      code: 'ROLE_IN_USE',
      message: 'Cannot delete role. 1 user(s) are assigned to this role',
    });
    expect(audits).toEqual([]);
  });

  it('lets any other database failure through unchanged', async () => {
    const failure = sqlError('40001');
    const { service } = setup({ row: role(), deleteError: failure });
    await expect(service.remove(admin, client, 'readers')).rejects.toBe(failure);
  });

  it('refuses ROLE_IN_USE from the count before deleting', async () => {
    const { service, evicted } = setup({ row: role(), users: [3] });
    await expect(service.remove(admin, client, 'readers')).rejects.toMatchObject({
      code: 'ROLE_IN_USE',
      message: 'Cannot delete role. 3 user(s) are assigned to this role',
    });
    expect(evicted).toEqual([]);
  });

  it('evicts the role after a delete and after a change of permissions, not after other edits', async () => {
    const deleted = setup({ row: role() });
    await deleted.service.remove(admin, client, 'readers');
    expect(deleted.evicted).toEqual(['readers']);

    const renamed = setup({ row: role() });
    await renamed.service.update(admin, client, 'readers', { displayName: 'New' });
    expect(renamed.evicted).toEqual([]);

    const regranted = setup({ row: role() });
    await regranted.service.update(admin, client, 'readers', { permissions: ['ai_analysis_data'] });
    expect(regranted.evicted).toEqual(['readers']);
  });

  it('records only the fields that changed', async () => {
    const { service, audits } = setup({ row: role({ description: 'same' }) });
    await service.update(admin, client, 'readers', {
      displayName: 'New',
      description: 'same',
      permissions: ['portfolio_data'],
    });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'role.updated',
      actor: { id: 1, username: 'admin' },
      target: { type: 'role', id: 'readers', label: 'New' },
      client,
      outcome: 'success',
      details: { before: { displayName: 'Readers' }, after: { displayName: 'New' } },
    });
  });

  it('keeps the permissions of a system role but lets its texts change', async () => {
    const system = role({ name: 'viewer', isSystem: true, permissions: ['health_monitor_data'] });
    const { service } = setup({ row: system });
    await expect(
      service.update(admin, client, 'viewer', { permissions: ['portfolio_data'] }),
    ).rejects.toMatchObject({ code: 'SYSTEM_ROLE' });
    await expect(service.update(admin, client, 'viewer', { description: 'Reads' })).resolves.toMatchObject({
      description: 'Reads',
    });
    await expect(service.remove(admin, client, 'viewer')).rejects.toMatchObject({ code: 'SYSTEM_ROLE' });
  });
});
