import { describe, expect, it } from 'vitest';
import { Permission } from '../common/auth/permission.js';
import type { IamOptions, PermissionDefinition } from '../config/iam-options.js';
import { PermissionCatalog } from './permission-catalog.js';

const catalogWith = (permissions: PermissionDefinition[]) =>
  new PermissionCatalog({ permissions } as unknown as IamOptions);

describe('PermissionCatalog', () => {
  it('has one built-in entry for each typed permission constant, and none besides', () => {
    const builtIn = catalogWith([])
      .all()
      .filter((p) => p.builtIn)
      .map((p) => p.name)
      .sort();
    expect(builtIn).toEqual(Object.values(Permission).sort());
  });

  it('holds the 14 built-in permissions, 4 administrative and 10 feature', () => {
    const all = catalogWith([]).all();
    expect(all).toHaveLength(14);
    expect(all.filter((p) => p.category === 'administrative').map((p) => p.name)).toEqual([
      'full_access',
      'manage_users',
      'manage_roles',
      'audit_log_data',
    ]);
    expect(all.every((p) => p.description.length > 0 && p.builtIn)).toBe(true);
  });

  it('adds host permissions, as features unless said otherwise', () => {
    const catalog = catalogWith([
      { name: 'reports_data', description: 'Reports' },
      { name: 'billing_admin', description: 'Billing', category: 'administrative' },
    ]);
    expect(catalog.get('reports_data')).toEqual({
      name: 'reports_data',
      description: 'Reports',
      category: 'feature',
      builtIn: false,
    });
    expect(catalog.get('billing_admin')?.category).toBe('administrative');
    expect(catalog.all()).toHaveLength(16);
    expect(catalog.unknown(['reports_data', 'nope', 'portfolio_data', 'other'])).toEqual(['nope', 'other']);
  });

  it('stops on a clash with a built-in name', () => {
    expect(() => catalogWith([{ name: 'manage_users', description: 'x' }])).toThrow(
      "Permission 'manage_users' clashes with a built-in permission",
    );
  });

  it('stops on a name registered twice', () => {
    expect(() =>
      catalogWith([
        { name: 'reports_data', description: 'a' },
        { name: 'reports_data', description: 'b' },
      ]),
    ).toThrow("Permission 'reports_data' is registered twice");
  });

  it.each(['Reports', 'r', '1reports', 'reports-data', 'a'.repeat(64), ''])('refuses the name %j', (name) => {
    expect(() => catalogWith([{ name, description: 'x' }])).toThrow(/is not a valid name/);
  });
});
