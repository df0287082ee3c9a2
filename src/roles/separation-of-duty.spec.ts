import { describe, expect, it } from 'vitest';
import { BUILT_IN_PERMISSIONS } from './permissions.js';
import { separationOfDutyWarnings } from './separation-of-duty.js';

const categories = new Map<string, 'administrative' | 'feature'>([
  ...BUILT_IN_PERMISSIONS.map((p) => [p.name, p.category] as const),
  ['reports_data', 'feature'],
  ['billing_admin', 'administrative'],
]);
const categoryOf = (p: string) => categories.get(p);

describe('separationOfDutyWarnings', () => {
  it.each([
    { name: 'feature permissions only', permissions: ['portfolio_data', 'ai_analysis_data'], warns: false },
    { name: 'user administration only', permissions: ['manage_users', 'manage_roles'], warns: false },
    {
      name: 'user administration with the audit log',
      permissions: ['manage_users', 'audit_log_data'],
      warns: false,
    },
    {
      name: 'user administration with api_access only',
      permissions: ['manage_users', 'api_access'],
      warns: false,
    },
    {
      name: 'user administration with a host administrative permission',
      permissions: ['manage_roles', 'billing_admin'],
      warns: false,
    },
    { name: 'full_access (the administrator)', permissions: ['full_access'], warns: false },
    {
      name: 'full_access beside user administration and features',
      permissions: ['full_access', 'manage_users', 'portfolio_data'],
      warns: false,
    },
    { name: 'manage_users with a feature', permissions: ['manage_users', 'portfolio_data'], warns: true },
    {
      name: 'manage_roles with a feature',
      permissions: ['manage_roles', 'health_monitor_data'],
      warns: true,
    },
    {
      name: 'user administration with a host feature permission',
      permissions: ['manage_users', 'reports_data'],
      warns: true,
    },
  ])('$name', ({ permissions, warns }) => {
    expect(separationOfDutyWarnings(permissions, categoryOf).length).toBe(warns ? 1 : 0);
  });

  it('names both sides of the conflict, api_access left out', () => {
    expect(
      separationOfDutyWarnings(
        ['portfolio_data', 'manage_roles', 'api_access', 'manage_users', 'ai_analysis_data'],
        categoryOf,
      ),
    ).toEqual([
      'Separation of duty: user administration (manage_users, manage_roles) is combined with operational access ' +
        '(ai_analysis_data, portfolio_data); consider separate roles',
    ]);
  });

  it('ignores permissions the catalog does not know', () => {
    expect(separationOfDutyWarnings(['manage_users', 'gone_permission'], categoryOf)).toEqual([]);
  });
});
