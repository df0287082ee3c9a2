import { createHash, createHmac } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH, legacyEntryHash } from '../src/audit/audit-hash.js';
import { deriveAuditKey } from '../src/config/audit-key.js';
import { rekeyChain } from '../src/audit/audit-rekey.js';
import { AuditRetentionService } from '../src/audit/audit-retention.service.js';
import { hashableOf } from '../src/audit/audit-verify.js';
import {
  audit,
  auditRows,
  chainKey,
  clearAudit,
  type RawAuditRow,
  recordAll,
  seedPastEntries,
  tamper,
  useChainCheck,
  VERIFY_PATH,
  verifyChain,
} from './support/audit.js';
import { type Backend, freshCache, freshDatabase, usingPostgres } from './support/backends.js';
import { adminToken, bearer, startTestApp, type TestApp, useAdmin, useTestApp } from './support/harness.js';

const DAY = 24 * 3600 * 1000;

type Hasher = (prev: string, row: RawAuditRow) => string;

/** What an intruder without the key can do: rehash every entry from `fromId` on with a function of their own. */
async function recompute(t: TestApp, fromId: string, hasher: Hasher): Promise<void> {
  const rows = await auditRows(t);
  const start = rows.findIndex((r) => r.id === fromId);
  let prev = start === 0 ? GENESIS_HASH : rows[start - 1].hash;
  for (const row of rows.slice(start)) {
    const hash = hasher(prev, row);
    await tamper(t, 'UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1', [row.id, prev, hash]);
    prev = hash;
  }
}

const entries = (n: number, action = 'role.updated') =>
  Array.from({ length: n }, (_, i) => ({
    action,
    actor: { id: 1, username: 'admin' },
    target: { type: 'role', id: `r${i}` },
    outcome: 'success' as const,
  }));

const headOf = (row: RawAuditRow) => `${row.id}:${row.hash}`;

describe('audit log: the keyed chain against an intruder with database access', () => {
  const t = useTestApp();
  const admin = useAdmin(t);
  const verify = (expectHead?: string) => verifyChain(t, admin.token, expectHead);

  it('answers the head, and holds against a head taken earlier', async () => {
    await clearAudit(t);
    await recordAll(t, entries(3));
    const rows = await auditRows(t);
    const head = rows[2];
    expect(await verify()).toEqual({
      ok: true,
      checked: 3,
      firstBrokenId: null,
      head: { id: Number(head.id), hash: head.hash },
    });
    // an older head is still in the chain, and the hex may come in upper case
    expect(await verify(headOf(rows[0]))).toMatchObject({ ok: true, checked: 3 });
    expect(await verify(`${head.id}:${head.hash.toUpperCase()}`)).toMatchObject({ ok: true });
    // a head that never was: the same id with another hash, or an id beyond the chain
    expect(await verify(`${head.id}:${'0'.repeat(64)}`)).toMatchObject({
      ok: false,
      firstBrokenId: Number(head.id),
    });
    expect(await verify(`${Number(head.id) + 1}:${head.hash}`)).toMatchObject({
      ok: false,
      firstBrokenId: null,
    });
  });

  it('refuses an expectHead that is not ID:HASH with VALIDATION_FAILED', async () => {
    for (const bad of [
      '',
      '12',
      '12:',
      ':' + 'a'.repeat(64),
      `x:${'a'.repeat(64)}`,
      `12:${'a'.repeat(63)}`,
      `12:${'g'.repeat(64)}`,
      `-1:${'a'.repeat(64)}`,
      `012:${'a'.repeat(64)}`,
      `12:${'a'.repeat(64)}:1`,
    ]) {
      const res = await t.http().get(VERIFY_PATH).query({ expectHead: bad }).set(bearer(admin.token));
      expect({ status: res.status, code: res.body?.code }, bad).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.body.details[0].field).toBe('expectHead');
    }
  });

  it('catches the newest entries deleted, given the head taken before', async () => {
    await clearAudit(t);
    await recordAll(t, entries(5));
    const rows = await auditRows(t);
    const before = headOf(rows[4]);
    await tamper(t, 'DELETE FROM audit_events WHERE id >= $1', [rows[3].id]);
    // the table alone still looks whole …
    expect(await verify()).toMatchObject({ ok: true, head: { id: Number(rows[2].id) } });
    // … but the head the log recorded is gone
    expect(await verify(before)).toEqual({
      ok: false,
      checked: 3,
      firstBrokenId: null,
      head: { id: Number(rows[2].id), hash: rows[2].hash },
    });
  });

  it('catches the first entries deleted together with a forged checkpoint', async () => {
    await clearAudit(t);
    await recordAll(t, entries(5));
    const rows = await auditRows(t);
    await tamper(t, 'DELETE FROM audit_events WHERE id <= $1', [rows[1].id]);
    // without a checkpoint the new first entry does not link to the genesis
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(rows[2].id) });

    const fields = [rows[1].id, rows[1].at.toISOString(), rows[1].hash, '2'];
    const text = `checkpoint\n${fields.join('\n')}`;
    const forgeries = [
      null,
      createHash('sha256').update(text).digest('hex'),
      createHmac('sha256', deriveAuditKey('a guessed key that is long enough to pass'))
        .update(text)
        .digest('hex'),
    ];
    for (const mac of forgeries) {
      await t.dataSource.query('DELETE FROM audit_checkpoints');
      await t.dataSource.query(
        `INSERT INTO audit_checkpoints (pruned_through_id, pruned_through_at, pruned_through_hash, pruned_count, mac)
         VALUES ($1::bigint, $2, $3, $4, $5)`,
        [...fields, mac],
      );
      expect(await verify(), String(mac)).toMatchObject({ ok: false, firstBrokenId: Number(rows[2].id) });
    }
    await clearAudit(t);
  });

  it('still verifies across a checkpoint retention wrote, and logs the head there', async () => {
    await clearAudit(t);
    const now = Date.now();
    await seedPastEntries(t, [new Date(now - 40 * DAY), new Date(now - 35 * DAY)]);
    await recordAll(t, entries(2));
    const seeded = await auditRows(t);
    expect((await t.app.get(AuditRetentionService).pruneBefore(new Date(now - 30 * DAY))).pruned).toBe(2);
    const rows = await auditRows(t);
    const verdict = await verify(headOf(seeded[3]));
    expect(verdict).toMatchObject({ ok: true, checked: 3, head: { id: Number(rows[2].id) } });
    // a head retention removed since is accounted for by its sealed checkpoint
    expect(await verify(headOf(seeded[1]))).toMatchObject({ ok: true });
    expect(await verify(headOf(seeded[0]))).toMatchObject({ ok: true });
    expect(await verify(`${seeded[1].id}:${'1'.repeat(64)}`)).toMatchObject({ ok: false });
    expect(t.logs.join('\n')).toContain(`audit chain head at checkpoint: ${rows[2].id}:${rows[2].hash}`);
    await clearAudit(t);
  });

  it.each([
    [
      'the unkeyed sha256 the chain used to have',
      (prev: string, r: RawAuditRow) => legacyEntryHash(prev, hashableOf({ ...r })),
    ],
    [
      'HMAC under a guessed key',
      (prev: string, r: RawAuditRow) =>
        entryHash(deriveAuditKey('champa-iam champa-iam champa-iam!!'), prev, hashableOf({ ...r })),
    ],
  ])('catches an edited entry whose later hashes were recomputed with %s', async (_, hasher) => {
    await clearAudit(t);
    await recordAll(t, entries(5));
    const rows = await auditRows(t);
    const before = headOf(rows[4]);
    const victim = rows[2];
    await tamper(t, `UPDATE audit_events SET actor_username = 'someone-else' WHERE id = $1`, [victim.id]);
    await recompute(t, victim.id, hasher);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(victim.id), checked: 3 });
    expect(await verify(before)).toMatchObject({ ok: false, firstBrokenId: Number(victim.id) });
    await clearAudit(t);
  });

  it('lets the re-key rewrite hashes and nothing else, and only when it says so', async () => {
    await clearAudit(t);
    await recordAll(t, entries(1));
    const [row] = await auditRows(t);
    const inRekey = (sql: string) =>
      t.dataSource.transaction(async (m) => {
        await m.query(`SELECT set_config('champa_iam.audit_rekey', 'on', true)`);
        await m.query(sql, [row.id]);
      });
    await expect(
      t.dataSource.query(`UPDATE audit_events SET hash = prev_hash WHERE id = $1`, [row.id]),
    ).rejects.toThrow(/append-only/);
    await expect(inRekey(`UPDATE audit_events SET outcome = 'failure' WHERE id = $1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(inRekey(`DELETE FROM audit_events WHERE id = $1`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_chain_state')).rejects.toThrow(/append-only/);
    expect((await verify()).ok).toBe(true);
  });
});

/** The state row goes, as if the keyed-chain migration had just run on an unkeyed log. */
async function forgetRekey(t: TestApp): Promise<void> {
  await t.dataSource.transaction(async (m) => {
    await m.query('ALTER TABLE audit_chain_state DISABLE TRIGGER audit_chain_state_fixed');
    await m.query('DELETE FROM audit_chain_state');
    await m.query('ALTER TABLE audit_chain_state ENABLE TRIGGER audit_chain_state_fixed');
  });
}

const contentOf = (r: RawAuditRow) => ({ ...r, prev_hash: undefined, hash: undefined });

describe('audit log: re-keying a chain written before the key', () => {
  const t = useTestApp();
  const verify = useChainCheck(t);

  it('re-keys every entry once, keeping ids, order and content, and records that it did', async () => {
    await clearAudit(t);
    const now = Date.now();
    const legacy = (prev: string, e: Parameters<typeof legacyEntryHash>[1]) => legacyEntryHash(prev, e);
    await seedPastEntries(
      t,
      [
        new Date(now - 50 * DAY),
        new Date(now - 45 * DAY),
        ...Array.from({ length: 30 }, (_, i) => new Date(now - 20 * DAY + i * 1000)),
      ],
      'test.old',
      legacy,
    );
    // retention before the key: the first two removed, and a checkpoint without a seal
    const pruned = (await auditRows(t)).slice(0, 2);
    await tamper(t, 'DELETE FROM audit_events WHERE id <= $1', [pruned[1].id]);
    await t.dataSource.query(
      `INSERT INTO audit_checkpoints (pruned_through_id, pruned_through_at, pruned_through_hash, pruned_count)
       VALUES ($1::bigint, $2, $3, 2)`,
      [pruned[1].id, pruned[1].at.toISOString(), pruned[1].hash],
    );
    await forgetRekey(t);
    const before = await auditRows(t);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(before[0].id) });

    await audit(t).onModuleInit();
    const after = await auditRows(t);
    expect(after.map(contentOf)).toEqual(before.map(contentOf));
    expect(after[0].prev_hash).toBe(pruned[1].hash);
    const key = chainKey(t);
    for (let i = 1; i < after.length; i++) expect(after[i].prev_hash).toBe(after[i - 1].hash);
    expect(after[5].hash).toBe(entryHash(key, after[4].hash, hashableOf({ ...after[5] })));
    const head = after[after.length - 1];
    expect(await verify()).toEqual({
      ok: true,
      checked: 30,
      firstBrokenId: null,
      head: { id: Number(head.id), hash: head.hash },
    });
    const [state] = await t.dataSource.query('SELECT * FROM audit_chain_state');
    expect(state).toMatchObject({
      rekeyed_count: '30',
      first_broken_id: null,
      head_id: head.id,
      head_hash: head.hash,
    });
    const [cp] = await t.dataSource.query('SELECT mac FROM audit_checkpoints');
    expect(cp.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(t.logs.join('\n')).toContain('audit chain keyed: 30 existing entries re-hashed');

    // once: a second boot finds the record and leaves the chain alone
    await audit(t).onModuleInit();
    expect(await auditRows(t)).toEqual(after);
    expect(await t.dataSource.query('SELECT id FROM audit_chain_state')).toHaveLength(1);
    // new entries link on, keyed
    await recordAll(t, entries(2));
    expect(await verify()).toMatchObject({ ok: true, checked: 32 });
    await clearAudit(t);
  });

  it('keeps an entry already broken before the re-key broken after it', async () => {
    await clearAudit(t);
    const legacy = (prev: string, e: Parameters<typeof legacyEntryHash>[1]) => legacyEntryHash(prev, e);
    await seedPastEntries(
      t,
      Array.from({ length: 6 }, (_, i) => new Date(Date.now() - DAY + i * 1000)),
      'test.old',
      legacy,
    );
    const rows = await auditRows(t);
    await tamper(t, `UPDATE audit_events SET outcome = 'failure' WHERE id = $1`, [rows[3].id]);
    await forgetRekey(t);
    // a few entries a batch, so the break and the links run across batches
    const result = await t.dataSource.transaction((m) =>
      rekeyChain((sql, params) => m.query(sql, params), chainKey(t), 2),
    );
    expect(result).toEqual({ rekeyed: 6, firstBrokenId: rows[3].id });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(rows[3].id), checked: 4 });
    const [state] = await t.dataSource.query('SELECT first_broken_id FROM audit_chain_state');
    expect(state.first_broken_id).toBe(rows[3].id);
    // the entries after it were re-keyed, linked to it as it stands
    const after = await auditRows(t);
    for (const i of [4, 5]) {
      expect(after[i].prev_hash).toBe(after[i - 1].hash);
      expect(after[i].hash).toBe(entryHash(chainKey(t), after[i - 1].hash, hashableOf({ ...after[i] })));
    }
    await clearAudit(t);
  });
});

// These boot apps of their own inside the test: give them the time a boot takes on a busy machine.
const BOOTS_INSIDE = 180_000;

describe('audit log: the key across restarts', () => {
  it(
    'keeps the key, logs the head at shutdown, and that head verifies after a restart',
    async () => {
      const database: Backend = await freshDatabase();
      const cache: Backend = await freshCache();
      try {
        const first = await startTestApp({ database, cache });
        let head: string;
        try {
          await recordAll(first, entries(3));
          const rows = await auditRows(first);
          head = headOf(rows[rows.length - 1]);
          if (!usingPostgres) {
            const file = join(first.env.DATA_DIR, 'audit-hmac-key');
            expect(existsSync(file)).toBe(true);
            expect(statSync(file).mode & 0o777).toBe(0o600);
          }
        } finally {
          await first.close();
        }
        expect(first.logs.join('\n')).toContain(`audit chain head at shutdown: ${head}`);
        expect(first.logs.join('\n')).not.toMatch(/AUDIT_HMAC_KEY=|audit-hmac-key:/);

        const second = await startTestApp({ database, cache });
        try {
          const { token } = await adminToken(second);
          const res = await second
            .http()
            .get(VERIFY_PATH)
            .query({ expectHead: head })
            .set(bearer(token))
            .expect(200);
          expect(res.body).toMatchObject({ ok: true, firstBrokenId: null });
        } finally {
          await second.close();
        }
      } finally {
        await database.dispose();
        await cache.dispose();
      }
    },
    BOOTS_INSIDE,
  );

  if (usingPostgres)
    it(
      'will not boot on PostgreSQL without AUDIT_HMAC_KEY, or with a short one, and names it',
      async () => {
        const database = await freshDatabase();
        try {
          for (const key of [undefined, 'x'.repeat(31)]) {
            await expect(startTestApp({ database, env: { AUDIT_HMAC_KEY: key } })).rejects.toThrow(
              /AUDIT_HMAC_KEY/,
            );
          }
        } finally {
          await database.dispose();
        }
      },
      BOOTS_INSIDE,
    );
});
