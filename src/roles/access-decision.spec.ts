import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../common/auth/auth-context.js';
import { decideAccess, permissionDecision } from './access-decision.js';

function caller(permissions: string[], over: Partial<AuthContext> = {}): AuthContext {
  return {
    userId: 1,
    username: 'someone',
    roleName: 'some_role',
    permissions: new Set(permissions),
    kind: 'session',
    mustChangePassword: false,
    ...over,
  };
}

const outcome = (d: ReturnType<typeof decideAccess>) => (d.ok ? 'ok' : d.error.code);

describe('decideAccess', () => {
  it.each([
    { name: 'no requirement: any authenticated caller', held: [], required: undefined, expected: 'ok' },
    { name: 'an empty requirement: any authenticated caller', held: [], required: [], expected: 'ok' },
    {
      name: 'the one required permission',
      held: ['manage_users'],
      required: ['manage_users'],
      expected: 'ok',
    },
    {
      name: 'any one of several suffices (first)',
      held: ['manage_roles'],
      required: ['manage_roles', 'manage_users'],
      expected: 'ok',
    },
    {
      name: 'any one of several suffices (second)',
      held: ['manage_users'],
      required: ['manage_roles', 'manage_users'],
      expected: 'ok',
    },
    {
      name: 'none of several',
      held: ['portfolio_data'],
      required: ['manage_roles', 'manage_users'],
      expected: 'PERMISSION_DENIED',
    },
    { name: 'nothing held', held: [], required: ['portfolio_data'], expected: 'PERMISSION_DENIED' },
    {
      name: 'full_access passes every check',
      held: ['full_access'],
      required: ['manage_users'],
      expected: 'ok',
    },
    {
      name: 'full_access passes a host permission',
      held: ['full_access'],
      required: ['reports_data'],
      expected: 'ok',
    },
  ])('session: $name', ({ held, required, expected }) => {
    expect(outcome(decideAccess(caller(held), required, false))).toBe(expected);
  });

  it('names the required permissions in the denial and reports them as missing', () => {
    const d = decideAccess(caller(['viewer_x']), ['manage_roles', 'manage_users'], false);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.status).toBe(403);
    expect(d.error.message).toBe('Missing permission: manage_roles or manage_users');
    expect(d.missing).toEqual(['manage_roles', 'manage_users']);
  });

  it.each([
    {
      name: 'api_access and the permission',
      held: ['api_access', 'portfolio_data'],
      required: ['portfolio_data'],
      expected: 'ok',
    },
    {
      name: 'api_access on a route with no requirement',
      held: ['api_access'],
      required: undefined,
      expected: 'ok',
    },
    {
      name: 'the permission without api_access',
      held: ['portfolio_data'],
      required: ['portfolio_data'],
      expected: 'API_ACCESS_REQUIRED',
    },
    {
      name: 'no api_access on a route with no requirement',
      held: ['portfolio_data'],
      required: undefined,
      expected: 'API_ACCESS_REQUIRED',
    },
    {
      name: 'api_access without the permission',
      held: ['api_access'],
      required: ['portfolio_data'],
      expected: 'PERMISSION_DENIED',
    },
    {
      name: 'full_access covers api_access too',
      held: ['full_access'],
      required: ['manage_users'],
      expected: 'ok',
    },
  ])('API token: $name', ({ held, required, expected }) => {
    expect(outcome(decideAccess(caller(held, { kind: 'api', tokenId: 't' }), required, false))).toBe(
      expected,
    );
  });

  it('reports api_access as missing', () => {
    const d = decideAccess(caller(['portfolio_data'], { kind: 'api' }), ['portfolio_data'], false);
    expect(d.ok ? [] : d.missing).toEqual(['api_access']);
    expect(d.ok ? 0 : d.error.status).toBe(403);
  });

  it('confines a session with a pending password change to the routes that allow it', () => {
    const pending = caller(['full_access'], { mustChangePassword: true });
    const refused = decideAccess(pending, ['manage_users'], false);
    expect(outcome(refused)).toBe('PASSWORD_CHANGE_REQUIRED');
    // Not a permission denial: nothing is reported as missing, so nothing is audited as one.
    expect(refused.ok ? [] : refused.missing).toBeUndefined();
    expect(outcome(decideAccess(pending, undefined, false))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(outcome(decideAccess(pending, undefined, true))).toBe('ok');
  });

  it('still checks permissions on a route allowed while a password change is pending', () => {
    const pending = caller(['viewer_x'], { mustChangePassword: true });
    expect(outcome(decideAccess(pending, ['manage_users'], true))).toBe('PERMISSION_DENIED');
  });

  it('does not apply the password-change rule to API tokens', () => {
    const api = caller(['api_access'], { kind: 'api', mustChangePassword: true });
    expect(outcome(decideAccess(api, undefined, false))).toBe('ok');
  });
});

describe('permissionDecision', () => {
  it('is the permission part of the guard without the session rules', () => {
    expect(permissionDecision('session', new Set(['a']), ['a']).ok).toBe(true);
    expect(permissionDecision('api', new Set(['a']), ['a']).ok).toBe(false);
    expect(permissionDecision('api', new Set(['a', 'api_access']), ['a']).ok).toBe(true);
  });
});
