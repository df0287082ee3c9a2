import { describe, expect, it } from 'vitest';
import { caller, client, loginUser, txManager, userServiceFakes } from '../../test/support/service-fakes.js';
import type { Actor } from './actor.js';
import { UserNotFoundError } from './users.errors.js';

const admin: Actor = { auth: caller(), client };
/** Holds manage_users and one data permission: cannot act on a user whose role holds more. */
const userAdmin: Actor = {
  auth: caller({ userId: 2, username: 'ua', permissions: new Set(['manage_users', 'portfolio_data']) }),
  client,
};

describe('UserChangeRunner.apply', () => {
  it('hands over the locked user, records the entry in the transaction, then evicts after commit', async () => {
    const f = userServiceFakes({ user: loginUser({ id: 7, username: 'carol' }) });
    const value = await f.changes.apply(admin, 7, async (user, tx) => {
      expect(user).toMatchObject({ id: 7, username: 'carol' });
      expect(tx.manager).toBe(txManager);
      f.log.push('change');
      return { entry: { action: 'user.updated', details: { email: 'x' } }, value: 'done' };
    });
    expect(value).toBe('done');
    expect(f.log).toEqual(['change', 'audit:user.updated', 'commit', 'evict:7']);
    expect(f.entries[0]).toMatchObject({
      action: 'user.updated',
      target: { type: 'user', id: 7, label: 'carol' },
      details: { email: 'x' },
    });
    expect(f.managers).toEqual([txManager]);
  });

  it('records nothing and evicts nothing for a change without an entry', async () => {
    const f = userServiceFakes();
    expect(await f.changes.apply(admin, 7, async () => ({ entry: null, value: 1 }))).toBe(1);
    expect(f.entries).toEqual([]);
    expect(f.evicted).toEqual([]);
  });

  it('refuses an unknown user and a user beyond the actor, before the change runs', async () => {
    let ran = false;
    const change = async () => {
      ran = true;
      return { entry: null, value: undefined };
    };
    await expect(userServiceFakes({ user: null }).changes.apply(admin, 7, change)).rejects.toBeInstanceOf(
      UserNotFoundError,
    );
    const stronger = userServiceFakes({ user: loginUser({ rolePermissions: ['audit_log_data'] }) });
    await expect(stronger.changes.apply(userAdmin, 7, change)).rejects.toMatchObject({
      code: 'PRIVILEGE_ESCALATION',
    });
    expect(ran).toBe(false);
    expect(stronger.entries).toEqual([]);
  });
});
