import { describe, expect, it } from 'vitest';
import { changeEntry, failedAttemptEntry, selfEntry, userTarget } from './audit-entries.js';

const client = { ip: '10.0.0.1', userAgent: 'ua' };

describe('audit entries', () => {
  it('a change names the caller as actor and the given target', () => {
    const entry = changeEntry(
      'role.deleted',
      { userId: 1, username: 'admin' },
      client,
      { type: 'role', id: 'x' },
      {},
    );
    expect(entry).toEqual({
      action: 'role.deleted',
      actor: { id: 1, username: 'admin' },
      target: { type: 'role', id: 'x' },
      client,
      outcome: 'success',
      details: {},
    });
  });

  it('a user as target carries their id and username as label', () => {
    expect(userTarget({ id: 7, username: 'bob' })).toEqual({ type: 'user', id: 7, label: 'bob' });
  });

  it("an act on one's own account has the same user as actor and target, from a record or a caller", () => {
    const fromRecord = selfEntry('auth.login', { id: 7, username: 'bob' }, client, { rememberMe: false });
    const fromCaller = selfEntry('auth.login', { userId: 7, username: 'bob' }, client, { rememberMe: false });
    expect(fromRecord).toEqual(fromCaller);
    expect(fromRecord.actor).toEqual({ id: 7, username: 'bob' });
    expect(fromRecord.target).toEqual({ type: 'user', id: 7, label: 'bob' });
    expect(fromRecord.outcome).toBe('success');
  });

  it('a failed attempt has no actor, the account aimed at (null id for an unknown name) and a failure', () => {
    const entry = failedAttemptEntry(
      'auth.login_failed',
      { userId: null, username: 'ghost', client },
      { reason: 'x' },
    );
    expect(entry).toEqual({
      action: 'auth.login_failed',
      actor: null,
      target: { type: 'user', id: null, label: 'ghost' },
      client,
      outcome: 'failure',
      details: { reason: 'x' },
    });
  });
});
