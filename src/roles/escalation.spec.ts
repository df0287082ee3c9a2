import { describe, expect, it } from 'vitest';
import { assertCanActOn, assertCanGrant, missingForGrant } from './escalation.js';
import { PrivilegeEscalationError } from './roles.errors.js';

const held = (...p: string[]) => new Set(p);

describe('missingForGrant', () => {
  it.each([
    {
      name: 'full_access grants anything',
      caller: ['full_access'],
      granted: ['manage_users', 'reports_x'],
      missing: [],
    },
    {
      name: 'a subset of what the caller holds',
      caller: ['manage_roles', 'portfolio_data', 'ai_analysis_data'],
      granted: ['portfolio_data'],
      missing: [],
    },
    {
      name: 'exactly what the caller holds',
      caller: ['manage_roles', 'portfolio_data'],
      granted: ['manage_roles', 'portfolio_data'],
      missing: [],
    },
    { name: 'nothing granted', caller: ['manage_roles'], granted: [], missing: [] },
    {
      name: 'one permission missing',
      caller: ['manage_roles'],
      granted: ['manage_users'],
      missing: ['manage_users'],
    },
    {
      name: 'full_access itself is missing',
      caller: ['manage_roles', 'manage_users'],
      granted: ['full_access'],
      missing: ['full_access'],
    },
    {
      name: 'several missing, sorted',
      caller: ['manage_roles', 'portfolio_data'],
      granted: ['portfolio_data', 'manage_users', 'audit_log_data'],
      missing: ['audit_log_data', 'manage_users'],
    },
    {
      name: 'a duplicate is named once',
      caller: ['manage_roles'],
      granted: ['manage_users', 'manage_users'],
      missing: ['manage_users'],
    },
    { name: 'a caller with nothing', caller: [], granted: ['viewer_thing'], missing: ['viewer_thing'] },
  ])('$name', ({ caller, granted, missing }) => {
    expect(missingForGrant(held(...caller), granted)).toEqual(missing);
  });
});

describe('assertCanGrant', () => {
  it('passes when nothing is missing', () => {
    expect(() => assertCanGrant(held('manage_roles', 'portfolio_data'), ['portfolio_data'])).not.toThrow();
    expect(() => assertCanGrant(held('full_access'), ['manage_users', 'manage_roles'])).not.toThrow();
  });

  it('throws PRIVILEGE_ESCALATION naming every missing permission', () => {
    let error: unknown;
    try {
      assertCanGrant(held('manage_roles'), ['manage_users', 'portfolio_data', 'manage_roles']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PrivilegeEscalationError);
    const e = error as PrivilegeEscalationError;
    expect(e.code).toBe('PRIVILEGE_ESCALATION');
    expect(e.status).toBe(403);
    expect(e.missing).toEqual(['manage_users', 'portfolio_data']);
    expect(e.message).toBe(
      'Privilege escalation: cannot grant permissions you do not hold: manage_users, portfolio_data',
    );
  });

  it('says what was attempted', () => {
    expect(() => assertCanGrant(held('manage_roles'), ['manage_users'], 'edit a role holding')).toThrow(
      'Privilege escalation: cannot edit a role holding permissions you do not hold: manage_users',
    );
  });
});

describe('assertCanActOn', () => {
  it('lets a user administrator act on a user whose permissions they hold', () => {
    expect(() =>
      assertCanActOn(held('manage_users', 'health_monitor_data', 'model_validation_data'), [
        'health_monitor_data',
        'model_validation_data',
      ]),
    ).not.toThrow();
  });

  it('never lets a user administrator act on an administrator', () => {
    expect(() => assertCanActOn(held('manage_users', 'manage_roles'), ['full_access'])).toThrow(
      expect.objectContaining({ code: 'PRIVILEGE_ESCALATION', missing: ['full_access'] }),
    );
  });

  it('lets full_access act on anyone', () => {
    expect(() => assertCanActOn(held('full_access'), ['full_access', 'manage_users'])).not.toThrow();
  });
});
