import { beforeAll, describe, expect, it } from 'vitest';
import { exportChunks } from '../src/audit/audit-export.js';
import { CSV_COLUMNS } from '../src/audit/audit-format.js';
import type { AuditEntryView } from '../src/audit/audit-query.js';
import type { AuditEntryInput } from '../src/audit/audit.types.js';
import {
  AUDIT_PATH,
  auditCaller,
  auditRows,
  clearAudit,
  parseCsv,
  recordAll,
  seedPastEntries,
  unescapeCell,
} from './support/audit.js';
import { heldClock } from './support/clock.js';
import { adminToken, bearer, useTestApp } from './support/harness.js';

const EXPORT = `${AUDIT_PATH}/export`;
const HOUR = 3600 * 1000;
const PAST_START = Date.parse('2024-03-01T00:00:00.000Z');

const FORMULAS = ['=HYPERLINK("http://evil.test","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tcmd', "'quoted"];
const FORGED_LINE = 'ua\n{"id":1,"action":"user.deleted"}\r\nmore';

function dataset(): AuditEntryInput[] {
  const inputs: AuditEntryInput[] = [];
  for (let i = 0; i < 30; i++) {
    inputs.push({
      action: i % 3 === 0 ? 'user.updated' : i % 3 === 1 ? 'role.updated' : 'auth.login',
      actor: { id: i % 2 ? 1 : 2, username: i % 2 ? 'alice' : 'bob' },
      target:
        i % 3 === 1
          ? { type: 'role', id: `role_${i % 4}`, label: 'A "role", with, commas' }
          : { type: 'user', id: i % 5, label: `user${i % 5}` },
      client: { ip: '192.0.2.10', userAgent: `agent/${i}` },
      outcome: i % 7 === 0 ? 'failure' : 'success',
      details: { i, note: 'line one\nline two' },
    });
  }
  FORMULAS.forEach((f, i) =>
    inputs.push({
      action: 'auth.login_failed',
      actor: { id: null, username: `f${i}` },
      target: { type: 'user', label: f },
      client: { ip: '198.51.100.1', userAgent: f },
      outcome: 'failure',
      details: { reason: f },
    }),
  );
  inputs.push({
    action: 'auth.login_failed',
    actor: { id: null, username: 'forger' },
    client: { ip: '198.51.100.2', userAgent: FORGED_LINE },
    outcome: 'failure',
    details: { note: FORGED_LINE, sep: '\u2028\u2029' },
  });
  return inputs;
}

describe('audit log: reading, filters and export', () => {
  const t = useTestApp();
  let token: string;
  let all: AuditEntryView[];

  const get = (query: Record<string, string | number> = {}, path = AUDIT_PATH) =>
    t.http().get(path).query(query).set(bearer(token));

  async function walk(query: Record<string, string | number>, between?: () => Promise<void>) {
    const seen: AuditEntryView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: AuditEntryView[]; nextCursor: string | null } } = await get(
        cursor ? { ...query, cursor } : query,
      ).expect(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
      if (between) await between();
    } while (cursor);
    return { seen, pages };
  }

  beforeAll(async () => {
    ({ token } = await adminToken(t));
    await clearAudit(t);
    await seedPastEntries(
      t,
      Array.from({ length: 24 }, (_, h) => new Date(PAST_START + h * HOUR)),
    );
    await recordAll(t, dataset());
    all = (await walk({ limit: 500 })).seen;
  });

  it('answers the newest 50 by default, with a cursor for more', async () => {
    expect(all).toHaveLength(24 + 37);
    const res = await get().expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.items).toHaveLength(50);
    expect(res.body.items).toEqual(all.slice(0, 50));
    expect(typeof res.body.nextCursor).toBe('string');
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Object.keys(all[0]).sort()).toEqual(
      [
        'id',
        'at',
        'actorId',
        'actorUsername',
        'action',
        'targetType',
        'targetId',
        'targetLabel',
        'ip',
        'userAgent',
        'outcome',
        'details',
      ].sort(),
    );
    expect(all[0]).toMatchObject({
      action: 'auth.login_failed',
      actorUsername: 'forger',
      userAgent: FORGED_LINE,
    });
  });

  it('walks every entry once, newest first, even with entries written between pages', async () => {
    let n = 0;
    const { seen, pages } = await walk({ limit: 7 }, async () => {
      await recordAll(t, [{ action: 'auth.logout', target: { type: 'walk', id: n++ }, outcome: 'success' }]);
    });
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(seen).toEqual(all);
    const written = await auditRows(t, `target_type = 'walk'`);
    expect(written).toHaveLength(pages);
    // the newcomers are there for the next reader, newest first
    const fresh = await get({ limit: 3 }).expect(200);
    expect(fresh.body.items.map((e: AuditEntryView) => e.targetId)).toEqual([
      String(pages - 1),
      String(pages - 2),
      String(pages - 3),
    ]);
  });

  it('filters by actor, action, target, and by several at once', async () => {
    const alice = (await walk({ actor: 'alice', limit: 4 })).seen;
    expect(alice).toEqual(all.filter((e) => e.actorUsername === 'alice'));
    expect(alice.length).toBe(15);

    const roleUpdates = (await walk({ action: 'role.updated', limit: 3 })).seen;
    expect(roleUpdates).toEqual(all.filter((e) => e.action === 'role.updated'));

    const roles = (await walk({ targetType: 'role' })).seen;
    expect(roles).toEqual(all.filter((e) => e.targetType === 'role'));

    const user3 = (await walk({ targetType: 'user', targetId: '3' })).seen;
    expect(user3).toEqual(all.filter((e) => e.targetType === 'user' && e.targetId === '3'));
    expect(user3.length).toBeGreaterThan(0);

    const bobLogins = (await walk({ actor: 'bob', action: 'auth.login' })).seen;
    expect(bobLogins).toEqual(all.filter((e) => e.actorUsername === 'bob' && e.action === 'auth.login'));

    expect((await get({ actor: 'nobody' }).expect(200)).body).toEqual({ items: [], nextCursor: null });
  });

  it('filters by time: from inclusive, to exclusive, with or without other filters', async () => {
    const from = new Date(PAST_START + 5 * HOUR).toISOString();
    const to = new Date(PAST_START + 9 * HOUR).toISOString();
    const range = (await walk({ from, to, limit: 2 })).seen;
    expect(range.map((e) => e.at)).toEqual(
      [8, 7, 6, 5].map((h) => new Date(PAST_START + h * HOUR).toISOString()),
    );
    const since = (await walk({ from: '2024-03-01T20:00:00+00:00', actor: 'seed' })).seen;
    expect(since).toHaveLength(4);
    const until = (await walk({ to: '2024-03-01' })).seen;
    expect(until).toHaveLength(0);
    const recent = (
      await walk({ from: new Date(Date.now() - 3600_000).toISOString(), action: 'user.updated' })
    ).seen;
    expect(recent).toEqual(all.filter((e) => e.action === 'user.updated'));
    expect((await walk({ from: '2030-01-01' })).seen).toEqual([]);
  });

  it('refuses bad filters with 400 and the code', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ limit: 0 }, 'VALIDATION_FAILED'],
      [{ limit: 501 }, 'VALIDATION_FAILED'],
      [{ limit: 'ten' }, 'VALIDATION_FAILED'],
      [{ limit: '1.5' }, 'VALIDATION_FAILED'],
      [{ cursor: 'not a cursor!' }, 'INVALID_CURSOR'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, 'INVALID_CURSOR'],
      [{ cursor: Buffer.from('ae1:0').toString('base64url') }, 'INVALID_CURSOR'],
      [{ cursor: Buffer.from('ae1:99999999999999999999').toString('base64url') }, 'INVALID_CURSOR'],
      [{ targetId: '3' }, 'VALIDATION_FAILED'],
      [{ from: 'yesterday' }, 'VALIDATION_FAILED'],
      [{ from: '2024-03-01T10:00:00' }, 'VALIDATION_FAILED'],
      [{ from: '2024-03-02T00:00:00Z', to: '2024-03-01T00:00:00Z' }, 'VALIDATION_FAILED'],
      [{ actor: 'x'.repeat(129) }, 'VALIDATION_FAILED'],
      [{ unknown: 'x' }, 'VALIDATION_FAILED'],
    ];
    for (const [query, code] of cases) {
      const res = await get(query);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code });
    }
    const bad = await get({ limit: 0 }, EXPORT).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const format = await get({ format: 'xml' }, EXPORT).expect(400);
    expect(format.body.code).toBe('VALIDATION_FAILED');
    const cursorOnExport = await get({ cursor: 'abc' }, EXPORT).expect(400);
    expect(cursorOnExport.body.code).toBe('VALIDATION_FAILED');
  });

  it('exports CSV (RFC 4180) that parses back to the same entries, formulas defused', async () => {
    const res = await get({ format: 'csv' }, EXPORT).buffer(true).parse(textParser).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.csv"$/);
    const text = res.body as string;
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const record of records) {
      for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const current = (await walk({ limit: 500 })).seen;
    expect(records.map(fromCsv)).toEqual(current);
    // each formula is stored as it came, and exported behind an apostrophe
    for (const f of FORMULAS)
      expect(records.some((r) => r[CSV_COLUMNS.indexOf('userAgent')] === `'${f}`)).toBe(true);
  });

  it("names the export for the service's time", async () => {
    // An hour before now, on a whole second: the session stays live on the held clock.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const clock = heldClock(t, at.getTime());
    try {
      const res = await get({ format: 'ndjson', limit: 1 }, EXPORT)
        .buffer(true)
        .parse(textParser)
        .expect(200);
      const pad = (n: number) => String(n).padStart(2, '0');
      const stamp =
        `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}` +
        `T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`;
      expect(res.headers['content-disposition']).toBe(`attachment; filename="audit-${stamp}.ndjson"`);
    } finally {
      clock.restore();
    }
  });

  it('exports NDJSON, one entry per line, which no stored text can break', async () => {
    const res = await get({ format: 'ndjson', actor: 'forger' }, EXPORT)
      .buffer(true)
      .parse(textParser)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.ndjson"$/);
    const text = res.body as string;
    expect(text).not.toMatch(/[\u2028\u2029]/);
    const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual(all.find((e) => e.actorUsername === 'forger'));

    const full = await get({ format: 'ndjson' }, EXPORT).buffer(true).parse(textParser).expect(200);
    const entries = (full.body as string)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(entries).toEqual((await walk({ limit: 500 })).seen);
  });

  it('exports with the filters, and pages through the database without missing or repeating', async () => {
    const res = await get({ format: 'ndjson', action: 'role.updated' }, EXPORT)
      .buffer(true)
      .parse(textParser)
      .expect(200);
    const entries = (res.body as string)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(entries).toEqual(all.filter((e) => e.action === 'role.updated'));

    const run = (sql: string, params?: unknown[]) => t.dataSource.query(sql, params);
    const current = (await walk({ limit: 500 })).seen;
    const chunks: string[] = [];
    let first = true;
    for await (const chunk of exportChunks(run, {}, 'ndjson', 7)) {
      chunks.push(chunk);
      if (first) {
        first = false;
        // written after the export began: not part of it
        await recordAll(t, [{ action: 'auth.logout', target: { type: 'late' }, outcome: 'success' }]);
      }
    }
    expect(chunks.length).toBe(Math.ceil(current.length / 7));
    const paged = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(paged).toEqual(current);
  });

  it('exports only the newest `limit` entries when asked, through pages of the database', async () => {
    const current = (await walk({ limit: 500 })).seen;
    const ndjson = async (query: Record<string, string | number>) =>
      (
        (
          await get({ format: 'ndjson', ...query }, EXPORT)
            .buffer(true)
            .parse(textParser)
            .expect(200)
        ).body as string
      )
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    expect(await ndjson({ limit: 3 })).toEqual(current.slice(0, 3));
    expect(await ndjson({ limit: 1, action: 'role.updated' })).toEqual([
      current.find((e) => e.action === 'role.updated'),
    ]);
    expect(await ndjson({ limit: 1_000_000 })).toEqual(current);
    const csv = await get({ limit: 2 }, EXPORT).buffer(true).parse(textParser).expect(200);
    expect(parseCsv(csv.body as string)).toHaveLength(1 + 2);

    const run = (sql: string, params?: unknown[]) => t.dataSource.query(sql, params);
    let text = '';
    for await (const chunk of exportChunks(run, {}, 'ndjson', 7, 17)) text += chunk;
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual(current.slice(0, 17));
  });

  it('refuses an export limit outside 1 to 1,000,000 with VALIDATION_FAILED', async () => {
    for (const limit of ['0', '-1', '1000001', '99999999999', '1.5', 'ten', '']) {
      const res = await get({ limit }, EXPORT);
      expect({ status: res.status, code: res.body?.code }, `limit=${limit}`).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(JSON.stringify(res.body.details)).toContain('limit');
    }
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const ops = [
      doc.paths['/auth/api/audit'].get,
      doc.paths['/auth/api/audit/export'].get,
      doc.paths['/auth/api/audit/verify'].get,
    ];
    expect(ops.map((o: { operationId: string }) => o.operationId)).toEqual([
      'listAuditEntries',
      'exportAuditEntries',
      'verifyAuditChain',
    ]);
    for (const op of ops)
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
  });

  it('is readable with audit_log_data alone', async () => {
    const { token: auditor } = await auditCaller(t, ['audit_log_data']);
    const res = await t.http().get(AUDIT_PATH).query({ limit: 1 }).set(bearer(auditor)).expect(200);
    expect(res.body.items).toHaveLength(1);
  });
});

function textParser(raw: unknown, done: (err: Error | null, body: string) => void) {
  const res = raw as NodeJS.ReadableStream;
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => done(null, text));
}

function fromCsv(record: string[]): AuditEntryView {
  const cell = (name: (typeof CSV_COLUMNS)[number]) => unescapeCell(record[CSV_COLUMNS.indexOf(name)]);
  const orNull = (v: string) => (v === '' ? null : v);
  return {
    id: Number(cell('id')),
    at: cell('at'),
    actorId: cell('actorId') === '' ? null : Number(cell('actorId')),
    actorUsername: orNull(cell('actorUsername')),
    action: cell('action'),
    targetType: orNull(cell('targetType')),
    targetId: orNull(cell('targetId')),
    targetLabel: orNull(cell('targetLabel')),
    ip: orNull(cell('ip')),
    userAgent: orNull(cell('userAgent')),
    outcome: cell('outcome'),
    details: JSON.parse(cell('details')),
  };
}
