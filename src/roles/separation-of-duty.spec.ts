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
  it.each<[string, string[], boolean]>([
    ['feature permissions only', ['portfolio_data', 'ai_analysis_data'], false],
    ['user administration only', ['manage_users', 'manage_roles'], false],
    ['user administration with the audit log', ['manage_users', 'audit_log_data'], false],
    ['user administration with api_access only', ['manage_users', 'api_access'], false],
    ['user administration with a host administrative permission', ['manage_roles', 'billing_admin'], false],
    ['full_access (the administrator)', ['full_access'], false],
    [
      'full_access beside user administration and features',
      ['full_access', 'manage_users', 'portfolio_data'],
      false,
    ],
    ['manage_users with a feature', ['manage_users', 'portfolio_data'], true],
    ['manage_roles with a feature', ['manage_roles', 'health_monitor_data'], true],
    ['user administration with a host feature permission', ['manage_users', 'reports_data'], true],
  ])('%s', (_name, permissions, warns) => {
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
