import { describe, expect, it } from 'vitest';
import { grantsApiAccess } from './permissions.js';
import { apiAccessWarnings } from './role.mapper.js';

describe('api_access on roles held by API users', () => {
  it('api_access or full_access lets an API token through', () => {
    expect(grantsApiAccess(['api_access'])).toBe(true);
    expect(grantsApiAccess(['full_access'])).toBe(true);
    expect(grantsApiAccess(['health_monitor_data', 'manage_users'])).toBe(false);
    expect(grantsApiAccess([])).toBe(false);
  });

  it('warns, with the count, only when API users hold a role without it', () => {
    expect(apiAccessWarnings(['health_monitor_data'], 0)).toEqual([]);
    expect(apiAccessWarnings(['api_access'], 3)).toEqual([]);
    expect(apiAccessWarnings(['full_access'], 3)).toEqual([]);
    const [warning, ...rest] = apiAccessWarnings(['health_monitor_data'], 3);
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^API access: 3 API user\(s\) hold this role, which lacks api_access/);
  });
});
