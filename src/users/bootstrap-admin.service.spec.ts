import { describe, expect, it } from 'vitest';
import type { AuditService } from '../audit/audit.service.js';
import type { IamOptions } from '../config/iam-options.js';
import type { TransactionRunner } from '../database/transaction.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';
import type { UsersRepository } from './users.repository.js';

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'Bootstrap-Passw0rd-1' };

/** `administrators` is what each count of the role's holders answers, one entry per count, in order. */
function setup(administrators: number[]) {
  const calls: string[] = [];
  const counts = [...administrators];
  const users = {
    countsOf: async (role: string, manager?: unknown) => {
      calls.push(`count ${role}${manager ? ' locked' : ''}`);
      return { userCount: counts.shift() ?? 0, apiUserCount: 0 };
    },
    lockBootstrap: async () => void calls.push('lock'),
    findTaken: async () => ({ username: false, email: false }),
    insert: async (row: { username: string; passwordHash: string }) => {
      calls.push(`insert ${row.username} ${row.passwordHash}`);
      return 1;
    },
  } as unknown as UsersRepository;
  const hasher = {
    hash: async (password: string) => {
      calls.push('hash');
      return `hashed:${password}`;
    },
  } as unknown as PasswordHasher;
  const tx = {
    run: async <T>(work: (tx: { manager: object }) => Promise<T>) => {
      calls.push('begin');
      return work({ manager: {} });
    },
  } as unknown as TransactionRunner;
  const policy = { check: () => [] } as unknown as PasswordPolicy;
  const audit = {
    record: async (entry: { action: string }) => void calls.push(`audit ${entry.action}`),
  } as unknown as AuditService;
  const options = { initialAdmin: ADMIN } as IamOptions;
  const service = new BootstrapAdminService(options, tx, hasher, policy, audit, users);
  return { service, calls };
}

describe('BootstrapAdminService', () => {
  it('hashes nothing and opens no transaction when an administrator exists', async () => {
    const { service, calls } = setup([1]);
    await service.onApplicationBootstrap();
    expect(calls).toEqual(['count administrator']);
  });

  it('creates the administrator when there is none, counting again under the lock', async () => {
    const { service, calls } = setup([0, 0]);
    await service.onApplicationBootstrap();
    expect(calls).toEqual([
      'count administrator',
      'hash',
      'begin',
      'lock',
      'count administrator locked',
      `insert admin hashed:${ADMIN.password}`,
      'audit user.created',
    ]);
  });

  it('creates nothing when another boot created the administrator after the first count', async () => {
    const { service, calls } = setup([0, 1]);
    await service.onApplicationBootstrap();
    expect(calls).toEqual(['count administrator', 'hash', 'begin', 'lock', 'count administrator locked']);
  });
});
