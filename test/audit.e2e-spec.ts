import { describe, expect, it, vi } from 'vitest';
import { GENESIS_HASH } from '../src/audit/audit-hash.js';
import { AuditRetentionService } from '../src/audit/audit-retention.service.js';
import { REDACTED } from '../src/audit/audit-sanitize.js';
import { freshDatabase } from './support/backends.js';
import { heldClock } from './support/clock.js';
import {
  AUDIT_PATH,
  audit,
  auditCaller,
  auditRows,
  auditTableText,
  clearAudit,
  recordAll,
  seedPastEntries,
  tamper,
  VERIFY_PATH,
  verifyChain,
} from './support/audit.js';
import { adminToken, bearer, createUserRow, startTestApp, useAdmin, useTestApp } from './support/harness.js';

const ANY_HEAD = { id: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) };

describe('audit log: recording and the hash chain', () => {
  const t = useTestApp();
  const admin = useAdmin(t);
  const verify = () => verifyChain(t, admin.token);

  it('chains each entry to the one before, from the genesis hash', async () => {
    await clearAudit(t);
    await recordAll(t, [
      {
        action: 'user.created',
        actor: { id: 1, username: 'admin' },
        target: { type: 'user', id: 7 },
        outcome: 'success',
      },
      {
        action: 'user.deleted',
        actor: { id: 1, username: 'admin' },
        target: { type: 'user', id: 7 },
        outcome: 'success',
      },
    ]);
    const rows = await auditRows(t);
    expect(rows).toHaveLength(2);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verify()).toEqual({
      ok: true,
      checked: 2,
      firstBrokenId: null,
      head: { id: Number(rows[1].id), hash: rows[1].hash },
    });
  });

  it('verifies details whose keys and numbers jsonb rewrites, and odd text', async () => {
    await audit(t).record({
      action: 'user.updated',
      actor: { id: 1, username: 'admin' },
      target: { type: 'user', id: '8', label: 'zoë' },
      client: { ip: '::1', userAgent: 'agent\u0000with nul and a lone \ud800 surrogate' },
      outcome: 'success',
      details: {
        zz: 1.0,
        a: { y: [1e21, 0.1 + 0.2, -0, 5e-324], b: 'ü😀' },
        longerKey: null,
        when: new Date('2026-01-02T03:04:05.678Z'),
        big: 12345678901234567890n,
        nan: Number.NaN,
        skip: undefined,
      },
    });
    const [row] = (await auditRows(t)).slice(-1);
    expect(row.user_agent).toBe('agent\uFFFDwith nul and a lone \uFFFD surrogate');
    expect(row.details).toEqual({
      zz: 1,
      a: { y: [1e21, 0.30000000000000004, 0, 5e-324], b: 'ü😀' },
      longerKey: null,
      when: '2026-01-02T03:04:05.678Z',
      big: '12345678901234567890',
      nan: null,
    });
    expect((await verify()).ok).toBe(true);
  });

  it('keeps the time to the millisecond, never going back along the chain', async () => {
    await recordAll(
      t,
      Array.from({ length: 5 }, () => ({ action: 'auth.logout', outcome: 'success' as const })),
    );
    const rows = await auditRows(t);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].at.getTime());
    }
    const [{ frac }] = await t.dataSource.query(
      `SELECT count(*)::int AS frac FROM audit_events WHERE extract(microseconds FROM at)::bigint % 1000 <> 0`,
    );
    expect(frac).toBe(0);
  });

  it('breaks at an entry edited directly in SQL, and refuses the edit unless forced', async () => {
    await recordAll(
      t,
      Array.from({ length: 4 }, (_, i) => ({
        action: 'role.updated',
        target: { type: 'role', id: `r${i}` },
        outcome: 'success' as const,
      })),
    );
    const rows = await auditRows(t);
    const victim = rows[rows.length - 3];
    await expect(
      t.dataSource.query(`UPDATE audit_events SET outcome = 'failure' WHERE id = $1`, [victim.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM audit_events WHERE id = $1`, [victim.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect((await verify()).ok).toBe(true);

    await tamper(t, `UPDATE audit_events SET actor_username = 'someone-else' WHERE id = $1`, [victim.id]);
    const broken = await verify();
    expect(broken.ok).toBe(false);
    expect(broken.firstBrokenId).toBe(Number(victim.id));
    expect(broken.checked).toBe(rows.length - 2);

    // put it back: the chain holds again
    await tamper(t, `UPDATE audit_events SET actor_username = $2 WHERE id = $1`, [
      victim.id,
      victim.actor_username,
    ]);
    expect((await verify()).ok).toBe(true);
  });

  it('breaks at the entry after one deleted directly in SQL', async () => {
    await recordAll(
      t,
      Array.from({ length: 3 }, () => ({ action: 'auth.login', outcome: 'success' as const })),
    );
    const rows = await auditRows(t);
    const victim = rows[rows.length - 2];
    await tamper(t, `DELETE FROM audit_events WHERE id = $1`, [victim.id]);
    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, firstBrokenId: Number(rows[rows.length - 1].id) });
    // a fresh chain for the tests that follow
    await clearAudit(t);
  });

  it('keeps one chain when 50 writers record at once, in transactions and detached', async () => {
    await clearAudit(t);
    await Promise.all([
      ...Array.from({ length: 50 }, (_, i) =>
        audit(t).record({ action: 'user.updated', target: { type: 'test', id: i }, outcome: 'success' }),
      ),
      ...Array.from({ length: 25 }, (_, i) =>
        t.dataSource.transaction((m) =>
          audit(t).record(
            { action: 'role.updated', target: { type: 'role', id: `x${i}` }, outcome: 'success' },
            m,
          ),
        ),
      ),
    ]);
    for (let i = 0; i < 120; i++) {
      audit(t).recordDetached({
        action: 'auth.login_failed',
        actor: { id: null, username: `u${i}` },
        outcome: 'failure',
      });
    }
    const rows = await auditRows(t);
    expect(rows).toHaveLength(195);
    const hashes = new Set(rows.map((r) => r.hash));
    expect(hashes.size).toBe(195);
    const prevs = new Set(rows.map((r) => r.prev_hash));
    expect(prevs.size).toBe(195); // nobody links to the same entry twice: no fork
    // the detached entries keep the order they were recorded in
    const detached = rows.filter((r) => r.action === 'auth.login_failed').map((r) => r.actor_username);
    expect(detached).toEqual(Array.from({ length: 120 }, (_, i) => `u${i}`));
    expect(await verify()).toEqual({ ok: true, checked: 195, firstBrokenId: null, head: ANY_HEAD });
  });

  it('rolls back the change when its audit entry cannot be written, and the entry with it', async () => {
    const before = (await auditRows(t)).length;
    const username = `rollback_${Date.now().toString(36)}`;
    // The table itself refuses one action, as a full disk or a lost connection would refuse any.
    await t.dataSource.query(
      `ALTER TABLE audit_events ADD CONSTRAINT audit_test_refuse CHECK (action <> 'test.refused')`,
    );
    try {
      await expect(
        t.dataSource.transaction(async (m) => {
          await m.query(`INSERT INTO users (username, email, role_name) VALUES ($1, $2, 'viewer')`, [
            username,
            `${username}@example.test`,
          ]);
          await audit(t).record(
            { action: 'user.created', target: { type: 'user', label: username }, outcome: 'success' },
            m,
          );
          await audit(t).record({ action: 'test.refused', outcome: 'success' }, m);
        }),
      ).rejects.toThrow(/audit_test_refuse/);
    } finally {
      await t.dataSource.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_test_refuse`);
    }
    expect(await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [username])).toHaveLength(0);
    expect(await auditRows(t)).toHaveLength(before);

    const spy = vi.spyOn(audit(t), 'record').mockRejectedValueOnce(new Error('audit store down'));
    await expect(
      t.dataSource.transaction(async (m) => {
        await m.query(`INSERT INTO users (username, email, role_name) VALUES ($1, $2, 'viewer')`, [
          username,
          `${username}@example.test`,
        ]);
        await audit(t).record({ action: 'user.created', outcome: 'success' }, m);
      }),
    ).rejects.toThrow('audit store down');
    spy.mockRestore();
    expect(await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [username])).toHaveLength(0);
    expect((await verify()).ok).toBe(true);
  });

  it('keeps entries about a user after the user is deleted, with the names as they were', async () => {
    const user = await createUserRow(t, { username: `gone_${Date.now().toString(36)}` });
    await recordAll(t, [
      {
        action: 'user.created',
        actor: { id: 1, username: 'admin' },
        target: { type: 'user', id: user.id, label: user.username },
        outcome: 'success',
      },
      {
        action: 'auth.login',
        actor: { id: user.id, username: user.username },
        target: { type: 'user', id: user.id, label: user.username },
        outcome: 'success',
      },
    ]);
    await t.dataSource.query(`DELETE FROM users WHERE id = $1`, [user.id]);
    const res = await t
      .http()
      .get(AUDIT_PATH)
      .query({ targetType: 'user', targetId: String(user.id) })
      .set(bearer(admin.token))
      .expect(200);
    expect(
      res.body.items.map((e: { action: string; actorUsername: string; targetLabel: string }) => [
        e.action,
        e.actorUsername,
        e.targetLabel,
      ]),
    ).toEqual([
      ['auth.login', user.username, user.username],
      ['user.created', 'admin', user.username],
    ]);
  });

  it('never stores a secret a careless caller passes, and cuts free text to the columns', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const argon = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
    await audit(t).record({
      action: 'user.password_reset',
      actor: { id: 1, username: 'admin' },
      target: { type: 'user', id: 5, label: 'x'.repeat(400) },
      client: { ip: '10.0.0.1', userAgent: `curl ${'a'.repeat(600)}` },
      outcome: 'success',
      details: {
        password: 'Secret-Passw0rd-1',
        temporaryPassword: 'Tmp-Passw0rd-22',
        newPassword: 'N3w-Passw0rd-333',
        passwordHash: argon,
        apiToken: jwt,
        token_id: '0b5c7d9e-1111-2222-3333-444455556666',
        jti: '0b5c7d9e-aaaa-2222-3333-444455556666',
        Authorization: `Bearer ${jwt}`,
        clientSecret: 'shh-its-a-secret',
        nested: { refreshToken: 'rt-abc-123', list: [{ password: 'Deep-Passw0rd-4' }] },
        note: `pasted ${jwt} by mistake, and ${argon}`,
        mustChangePassword: true,
        apiTokenTtlDays: { before: 30, after: 90 },
        apiTokenExpiresAt: '2026-05-01T00:00:00.000Z',
      },
    });
    const [row] = (await auditRows(t)).slice(-1);
    expect(row.details).toMatchObject({
      password: REDACTED,
      temporaryPassword: REDACTED,
      newPassword: REDACTED,
      passwordHash: REDACTED,
      apiToken: REDACTED,
      token_id: REDACTED,
      jti: REDACTED,
      Authorization: REDACTED,
      clientSecret: REDACTED,
      nested: { refreshToken: REDACTED, list: [{ password: REDACTED }] },
      note: `pasted ${REDACTED} by mistake, and ${REDACTED}`,
      mustChangePassword: true,
      apiTokenTtlDays: { before: 30, after: 90 },
      apiTokenExpiresAt: '2026-05-01T00:00:00.000Z',
    });
    expect(row.target_label).toHaveLength(256);
    expect(row.user_agent).toHaveLength(512);
    const text = await auditTableText(t);
    for (const secret of [
      'Secret-Passw0rd-1',
      'Tmp-Passw0rd-22',
      'N3w-Passw0rd-333',
      'Deep-Passw0rd-4',
      'shh-its-a-secret',
      'rt-abc-123',
      '0b5c7d9e',
      'c2lnbmF0dXJl',
      '$argon2id$',
      'Bearer',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('answers 401 without a token and 403 PERMISSION_DENIED without audit_log_data', async () => {
    const anon = await t.http().get(VERIFY_PATH).expect(401);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    const { token: viewer } = await auditCaller(t, ['health_monitor_data']);
    for (const path of [AUDIT_PATH, `${AUDIT_PATH}/export`, VERIFY_PATH]) {
      const res = await t.http().get(path).set(bearer(viewer)).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    }
    const { token: auditor } = await auditCaller(t, ['audit_log_data']);
    await t.http().get(VERIFY_PATH).set(bearer(auditor)).expect(200);
  });

  it('offers no route that changes or removes an entry', async () => {
    const [row] = (await auditRows(t)).slice(-1);
    for (const method of ['put', 'patch', 'delete', 'post'] as const) {
      const res = await t.http()[method](`${AUDIT_PATH}/${row.id}`).set(bearer(admin.token)).send({});
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      const all = await t.http()[method](AUDIT_PATH).set(bearer(admin.token)).send({});
      expect(all.status).toBe(404);
      expect(all.body.code).toBe('NOT_FOUND');
    }
  });

  it('prunes entries older than the retention, records the pruned range, and still verifies', async () => {
    await clearAudit(t);
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    await seedPastEntries(t, [
      new Date(now - 40 * day),
      new Date(now - 35 * day),
      new Date(now - 31 * day),
      new Date(now - 2 * day),
    ]);
    await recordAll(t, [{ action: 'auth.login', outcome: 'success' }]);
    const seeded = await auditRows(t);
    expect((await verify()).ok).toBe(true);

    const retention = t.app.get(AuditRetentionService);
    // AUDIT_RETENTION_DAYS=0 (this app): keep forever
    expect(await retention.pruneExpired()).toEqual({ pruned: 0, throughId: null });
    expect(await auditRows(t)).toHaveLength(5);
    const result = await retention.pruneBefore(new Date(now - 30 * day));
    expect(result).toEqual({ pruned: 3, throughId: seeded[2].id });

    const rows = await auditRows(t);
    expect(rows.map((r) => r.id)).toEqual([seeded[3].id, seeded[4].id, rows[2].id]);
    expect(rows[2]).toMatchObject({ action: 'audit.pruned', outcome: 'success', target_type: 'audit' });
    expect(rows[2].details).toMatchObject({ pruned: 3, throughId: seeded[2].id });
    const [checkpoint] = await t.dataSource.query(`SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1`);
    expect(checkpoint).toMatchObject({
      pruned_through_id: seeded[2].id,
      pruned_through_hash: seeded[2].hash,
      pruned_count: '3',
    });
    expect(await verify()).toEqual({ ok: true, checked: 3, firstBrokenId: null, head: ANY_HEAD });

    // removing the new first entry behind retention's back is still caught
    await tamper(t, `DELETE FROM audit_events WHERE id = $1`, [seeded[3].id]);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(seeded[4].id) });
    await clearAudit(t);
  });

  it('links to the last pruned entry when retention removed every entry', async () => {
    const day = 24 * 3600 * 1000;
    await seedPastEntries(t, [new Date(Date.now() - 10 * day), new Date(Date.now() - 9 * day)]);
    const retention = t.app.get(AuditRetentionService);
    const spy = vi.spyOn(audit(t), 'record').mockResolvedValueOnce(undefined); // no audit.pruned entry this time
    expect((await retention.pruneBefore(new Date())).pruned).toBe(2);
    spy.mockRestore();
    expect(await auditRows(t)).toHaveLength(0);
    await recordAll(t, [{ action: 'auth.login', outcome: 'success' }]);
    expect(await verify()).toEqual({ ok: true, checked: 1, firstBrokenId: null, head: ANY_HEAD });
  });
});

const DAY_MS = 24 * 3600 * 1000;

// These boot apps of their own inside the test: give them the time a boot takes on a busy machine.
const BOOTS_INSIDE = 180_000;

describe('audit log: retention setting and shutdown', () => {
  it(
    'prunes by AUDIT_RETENTION_DAYS',
    async () => {
      const t = await startTestApp({ env: { AUDIT_RETENTION_DAYS: '7' } });
      try {
        await clearAudit(t);
        await seedPastEntries(t, [new Date(Date.now() - 8 * 24 * 3600 * 1000)]);
        await recordAll(t, [{ action: 'auth.login', outcome: 'success' }]);
        const result = await t.app.get(AuditRetentionService).pruneExpired();
        expect(result.pruned).toBe(1);
        const { token } = await adminToken(t);
        const res = await t.http().get(VERIFY_PATH).set(bearer(token)).expect(200);
        expect(res.body).toEqual({ ok: true, checked: 2, firstBrokenId: null, head: ANY_HEAD });

        // The age is counted on the service's clock: eight days on, today's entries are past the retention.
        const clock = heldClock(t, Date.now() + 8 * DAY_MS);
        try {
          const later = await t.app.get(AuditRetentionService).pruneExpired();
          expect(later.pruned).toBeGreaterThanOrEqual(2);
          const entry = (await auditRows(t, `action = 'audit.pruned'`)).at(-1)!;
          expect(entry.details.cutoff).toBe(new Date(clock.now - 7 * DAY_MS).toISOString());
        } finally {
          clock.restore();
        }
      } finally {
        await t.close();
      }
    },
    BOOTS_INSIDE,
  );

  it(
    'writes every detached entry before a clean shutdown completes',
    async () => {
      const database = await freshDatabase();
      try {
        const first = await startTestApp({ database });
        for (let i = 0; i < 700; i++) {
          audit(first).recordDetached({
            action: 'auth.permission_denied',
            target: { type: 'route', id: `GET /x/${i}` },
            outcome: 'denied',
          });
        }
        await first.close(); // no flush before: the shutdown itself must write them
        const second = await startTestApp({ database });
        try {
          const rows = await auditRows(second, `action = 'auth.permission_denied'`);
          expect(rows.map((r) => r.target_id)).toEqual(Array.from({ length: 700 }, (_, i) => `GET /x/${i}`));
          const { token } = await adminToken(second);
          expect((await second.http().get(VERIFY_PATH).set(bearer(token)).expect(200)).body.ok).toBe(true);
        } finally {
          await second.close();
        }
      } finally {
        await database.dispose();
      }
    },
    BOOTS_INSIDE,
  );
});
