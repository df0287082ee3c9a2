import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../src/audit/audit.service.js';
import { CSV_COLUMNS } from '../src/audit/audit-format.js';
import { parseCsv, unescapeCell } from './support/audit.js';
import { HOST_ADMIN, type HostApp, hostLogin, startHostApp } from './support/host.js';

/** The audit routes are adapter-neutral: the same list, export and verify in an Express host. */
describe('audit log in an Express host', () => {
  let host: HostApp;
  let token = '';
  const bearer = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    host = await startHostApp({ adapter: 'express' });
    token = await hostLogin(host, HOST_ADMIN.username, HOST_ADMIN.password);
    const audit = host.app.get(AuditService);
    for (let i = 0; i < 5; i++) {
      await audit.record({
        action: 'auth.login_failed',
        actor: { id: null, username: `=cmd${i}` },
        client: { ip: '192.0.2.1', userAgent: `ua ${i}\n{"forged":true}` },
        outcome: 'failure',
        details: { i },
      });
    }
    await audit.flush();
  });
  afterAll(async () => {
    await host?.close();
  });

  it('lists, exports CSV and NDJSON that parse back to the same entries, and verifies', async () => {
    const list = await host.http().get('/auth/api/audit').query({ limit: 500 }).set(bearer());
    expect(list.status).toBe(200);
    const entries = list.body.items;
    expect(entries.length).toBeGreaterThanOrEqual(6);

    const csv = await host.http().get('/auth/api/audit/export').query({ format: 'csv' }).set(bearer());
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.csv"$/);
    const [header, ...records] = parseCsv(csv.text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(records.map((r) => Number(r[0]))).toEqual(entries.map((e: { id: number }) => e.id));
    const username = CSV_COLUMNS.indexOf('actorUsername');
    expect(
      records.filter((r) => r[username].startsWith("'=cmd")).map((r) => unescapeCell(r[username])),
    ).toEqual(['=cmd4', '=cmd3', '=cmd2', '=cmd1', '=cmd0']);

    const ndjson = await host
      .http()
      .get('/auth/api/audit/export')
      .query({ format: 'ndjson' })
      .set(bearer())
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = (ndjson.body as string).split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l))).toEqual(entries);

    const verify = await host.http().get('/auth/api/audit/verify').set(bearer());
    expect(verify.status).toBe(200);
    expect(verify.body).toEqual({
      ok: true,
      checked: entries.length,
      firstBrokenId: null,
      head: { id: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('answers 401 and 400 with the codes there too', async () => {
    const none = await host.http().get('/auth/api/audit/export');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const bad = await host.http().get('/auth/api/audit').query({ cursor: 'nope' }).set(bearer());
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');
  });
});
