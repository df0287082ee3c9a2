import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, sessionTokenFor, useTestApp } from './support/harness.js';
import { createRoleRow } from './support/roles.js';
import { auditFor, createUser, expectStatus, USERS } from './support/users.js';

const CONCURRENT = 25;

/** Every answer is a 200, or a 409 whose code says why (one of `conflicts`): never a 404 for a user that exists. */
function expectOnly(responses: Response[], conflicts: string[] = []): void {
  for (const res of responses) {
    const outcome = res.status === 200 ? 'ok' : `${res.status} ${res.body?.code}`;
    expect(['ok', ...conflicts.map((c) => `409 ${c}`)], JSON.stringify(res.body)).toContain(outcome);
  }
}

/**
 * Concurrent changes to one user queue on its row. On PostgreSQL each waits
 * for the one before and then sees its result; the embedded database runs them
 * one at a time, so there the same requests check the same outcome.
 */
describe('users: concurrent changes to one user', () => {
  const t = useTestApp();
  let admin: { userId: number; token: string };

  beforeAll(async () => {
    admin = await adminToken(t);
    await createRoleRow(t, ['manage_users'], 'race_user_admin');
  });

  it(`${CONCURRENT} concurrent role changes, alternating two roles: every one answers 200`, async () => {
    const u = await createUser(t, admin.token, { role: 'viewer' });
    const roles = ['process_operator', 'viewer'];
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        t
          .http()
          .patch(`${USERS}/${u.id}`)
          .set(bearer(admin.token))
          .send({ role: roles[i % 2] }),
      ),
    );
    expectOnly(responses);
    for (const [i, res] of responses.entries()) expect(res.body.role).toBe(roles[i % 2]);
    const final = await t.http().get(`${USERS}/${u.id}`).set(bearer(admin.token));
    expect(roles).toContain(final.body.role);
    // each change is audited once, and the last one recorded is the state that stayed
    const changes = (await auditFor(t, u.id)).filter((a) => a.action === 'user.updated');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.length).toBeLessThanOrEqual(CONCURRENT);
    expect(changes.at(-1)!.details).toMatchObject({ after: { role: final.body.role } });
  });

  it(`${CONCURRENT} concurrent self-demotions of one administrator: every one answers 200`, async () => {
    const a = await createUser(t, admin.token, { role: 'administrator' });
    const token = await sessionTokenFor(t, a.id);
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        t.http().patch(`${USERS}/${a.id}`).set(bearer(token)).send({ role: 'race_user_admin' }),
      ),
    );
    expectOnly(responses);
    const final = await t.http().get(`${USERS}/${a.id}`).set(bearer(admin.token));
    expect(final.body.role).toBe('race_user_admin');
    const changes = (await auditFor(t, a.id)).filter((e) => e.action === 'user.updated');
    expect(changes).toHaveLength(1);
  });

  it('two last administrators demoting themselves at once: one stays, the rest answer 409 LAST_ADMINISTRATOR', async () => {
    const a = await createUser(t, admin.token, { role: 'administrator' });
    const b = await createUser(t, admin.token, { role: 'administrator' });
    const tokens = { [a.id]: await sessionTokenFor(t, a.id), [b.id]: await sessionTokenFor(t, b.id) };
    // the seeded administrator steps aside, so that a and b are the last two
    expectStatus(
      await t.http().post(`${USERS}/${admin.userId}/toggle-status`).set(bearer(tokens[a.id])),
      200,
    );
    try {
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => {
          const id = i % 2 ? b.id : a.id;
          return t.http().patch(`${USERS}/${id}`).set(bearer(tokens[id])).send({ role: 'race_user_admin' });
        }),
      );
      expectOnly(responses, ['LAST_ADMINISTRATOR']);
      expect(responses.some((r) => r.status === 409)).toBe(true);
      const roles = await Promise.all(
        [a.id, b.id].map(
          async (id) => (await t.http().get(`${USERS}/${id}`).set(bearer(tokens[id]))).body.role as string,
        ),
      );
      expect(roles.sort()).toEqual(['administrator', 'race_user_admin']);
    } finally {
      const last = (await t.dataSource.query(
        `SELECT id FROM users WHERE role_name = 'administrator' AND is_active AND id IN ($1, $2)`,
        [a.id, b.id],
      )) as { id: number }[];
      if (last[0]) {
        expectStatus(
          await t.http().post(`${USERS}/${admin.userId}/toggle-status`).set(bearer(tokens[last[0].id])),
          200,
        );
      }
      // its sessions ended with the deactivation
      admin.token = await sessionTokenFor(t, admin.userId);
    }
  });

  it(`${CONCURRENT} concurrent toggles and edits of one user: no answer is a 404`, async () => {
    const u = await createUser(t, admin.token, { role: 'viewer' });
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => {
        const path = `${USERS}/${u.id}`;
        if (i % 3 === 0) return t.http().post(`${path}/toggle-status`).set(bearer(admin.token));
        return t
          .http()
          .patch(path)
          .set(bearer(admin.token))
          .send({ role: i % 3 === 1 ? 'process_operator' : 'viewer' });
      }),
    );
    expectOnly(responses);
  });
});
