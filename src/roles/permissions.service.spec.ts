import { describe, expect, it } from 'vitest';
import type { IamOptions } from '../config/iam-options.js';
import { PermissionCatalog } from './permission-catalog.js';
import { PermissionsService } from './permissions.service.js';
import type { RoleMembers, UserAccessRow } from './role-members.js';

function serviceWith(users: Record<number, UserAccessRow>) {
  const members = { accessOf: async (id: number) => users[id] ?? null } as unknown as RoleMembers;
  const catalog = new PermissionCatalog({
    permissions: [{ name: 'reports_data', description: 'Reports' }],
  } as unknown as IamOptions);
  return new PermissionsService(members, catalog);
}

const service = serviceWith({
  1: { isActive: true, isApiUser: false, permissions: ['full_access'] },
  2: { isActive: true, isApiUser: false, permissions: ['portfolio_data', 'reports_data'] },
  3: { isActive: false, isApiUser: false, permissions: ['full_access'] },
  4: { isActive: true, isApiUser: true, permissions: ['portfolio_data'] },
  5: { isActive: true, isApiUser: true, permissions: ['api_access', 'portfolio_data'] },
  6: { isActive: true, isApiUser: true, permissions: ['full_access'] },
});

describe('PermissionsService.userHasPermission', () => {
  it.each([
    { name: 'full_access holds everything', userId: 1, permission: 'manage_users', expected: true },
    { name: 'a permission of the role', userId: 2, permission: 'portfolio_data', expected: true },
    { name: 'a host permission of the role', userId: 2, permission: 'reports_data', expected: true },
    { name: 'a permission the role lacks', userId: 2, permission: 'manage_users', expected: false },
    {
      name: 'an inactive user holds nothing, not even with full_access',
      userId: 3,
      permission: 'portfolio_data',
      expected: false,
    },
    { name: 'an API user without api_access', userId: 4, permission: 'portfolio_data', expected: false },
    { name: 'an API user with api_access', userId: 5, permission: 'portfolio_data', expected: true },
    { name: 'an API user with full_access', userId: 6, permission: 'portfolio_data', expected: true },
    { name: 'an unknown user', userId: 99, permission: 'portfolio_data', expected: false },
    { name: 'an id that cannot exist', userId: -1, permission: 'portfolio_data', expected: false },
  ])('$name', async ({ userId, permission, expected }) => {
    expect(await service.userHasPermission(userId, permission)).toBe(expected);
  });
});

describe('PermissionsService.catalog', () => {
  it('answers name, description and category only, host permissions included', () => {
    const catalog = service.catalog();
    expect(catalog).toHaveLength(15);
    expect(catalog.at(-1)).toEqual({ name: 'reports_data', description: 'Reports', category: 'feature' });
    expect(Object.keys(catalog[0]).sort()).toEqual(['category', 'description', 'name']);
  });
});
