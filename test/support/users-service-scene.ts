/** The UsersService under test with hand-made collaborators, and the roles and actors its specs use. */
import { expect } from 'vitest';
import {
  caller,
  client,
  fakeRolesRepository,
  fixedClock,
  txManager,
  userServiceFakes,
} from './service-fakes.js';
import type { IamOptions } from '../../src/config/iam-options.js';
import type { AdministratorChange, LastAdministratorRule } from '../../src/roles/last-administrator.js';
import type { RoleRef } from '../../src/roles/roles.repository.js';
import type { Actor } from '../../src/users/actor.js';
import type { ApiTokenIssuer } from '../../src/users/api-token-issuer.js';
import { UsersService } from '../../src/users/users.service.js';

export const readers: RoleRef = { name: 'readers', displayName: 'Readers', permissions: ['portfolio_data'] };
export const analysts: RoleRef = {
  name: 'analysts',
  displayName: 'Analysts',
  permissions: ['portfolio_data', 'ai_analysis_data'],
};
export const administrator: RoleRef = {
  name: 'administrator',
  displayName: 'Administrator',
  permissions: ['full_access'],
};

export const admin: Actor = { auth: caller(), client };
/** A user administrator: may manage users, but holds only these data permissions. */
export const userAdmin: Actor = {
  auth: caller({
    userId: 2,
    username: 'ua',
    roleName: 'user-admins',
    permissions: new Set(['manage_users', 'portfolio_data']),
  }),
  client,
};

export const newUser = {
  username: 'carol',
  email: 'carol@example.com',
  password: 'Sturdy-Pass-42',
  role: 'readers',
};

export function setup(
  opts: Parameters<typeof userServiceFakes>[0] &
    Parameters<typeof fakeRolesRepository>[0] & {
      refuseLastAdministrator?: boolean;
      revoked?: number;
      deactivationEndsSessions?: boolean;
    } = {},
) {
  const f = userServiceFakes(opts);
  const roles = fakeRolesRepository({ roles: [readers, analysts, administrator], ...opts });
  const administratorChanges: AdministratorChange[] = [];
  const lastAdministrator = {
    assertKept: async (change: AdministratorChange, manager: unknown, refusal: () => Error) => {
      expect(manager).toBe(txManager);
      administratorChanges.push(change);
      if (opts.refuseLastAdministrator) throw refusal();
    },
  } as unknown as LastAdministratorRule;
  const tokens = {
    plan: () => ({ tokenId: 'planned-token-id', expiresAt: null }),
    sign: (userId: number) => `signed-token-for-${userId}`,
  } as unknown as ApiTokenIssuer;
  const options = { deactivationEndsSessions: opts.deactivationEndsSessions ?? true } as IamOptions;
  const service = new UsersService(
    f.changes,
    f.repo,
    f.runner,
    f.audit,
    f.sessions,
    f.hasher.hasher,
    f.policy,
    tokens,
    lastAdministrator,
    roles.rolesRepo,
    options,
    fixedClock(),
  );
  return { service, ...f, ...roles, administratorChanges };
}
