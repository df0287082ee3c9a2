import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, type TestApp, useTestApp } from './support/harness.js';
import { expectError, expectStatus, USERS } from './support/users.js';

const DAY = 24 * 3600 * 1000;

interface Seed {
  username: string;
  email?: string;
  role?: string;
  isActive?: boolean;
  /** An API user; its token expires in this many days (null: never; 'revoked': no token). */
  apiTokenInDays?: number | null | 'revoked';
  createdDaysAgo?: number;
  lastLoginDaysAgo?: number;
  failedLogins?: number;
  /** When the API token was last used (unset: never). */
  tokenUsedDaysAgo?: number;
}

/** Writes a user straight to the database, with the dates and counters a test needs. */
async function seed(t: TestApp, s: Seed): Promise<number> {
  const now = Date.now();
  const api = s.apiTokenInDays !== undefined;
  const [row] = await t.dataSource.query(
    `INSERT INTO users (username, email, role_name, is_active, is_api_user, api_token_ttl_days, api_token_id,
                        api_token_expires_at, created_at, last_login_at, failed_login_count,
                        api_token_last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      s.username,
      s.email ?? `${s.username}@example.test`,
      s.role ?? 'viewer',
      s.isActive ?? true,
      api,
      api ? (s.apiTokenInDays === null ? -1 : 30) : null,
      api && s.apiTokenInDays !== 'revoked' ? randomUUID() : null,
      api && typeof s.apiTokenInDays === 'number' ? new Date(now + s.apiTokenInDays * DAY) : null,
      new Date(now - (s.createdDaysAgo ?? 0) * DAY),
      s.lastLoginDaysAgo === undefined ? null : new Date(now - s.lastLoginDaysAgo * DAY),
      s.failedLogins ?? 0,
      s.tokenUsedDaysAgo === undefined ? null : new Date(now - s.tokenUsedDaysAgo * DAY),
    ],
  );
  return row.id;
}

describe('GET /users: filters, sorts, paging and hostile parameters', () => {
  const t = useTestApp();
  let admin: string;
  const list = (query: Record<string, unknown>) => t.http().get(USERS).query(query).set(bearer(admin));
  const names = async (query: Record<string, unknown>) => {
    const res = await list(query);
    expectStatus(res, 200);
    return (res.body.items as { username: string }[]).map((u) => u.username);
  };

  // Same punctuation in every name of the sorted set, so that every collation orders them alike.
  const SET: Seed[] = [
    { username: 'lst.anna', email: 'Anna.Smith@Example.test', createdDaysAgo: 10, lastLoginDaysAgo: 1 },
    { username: 'lst.bob', email: 'bob@corp.test', role: 'process_analyst', createdDaysAgo: 9 },
    {
      username: 'lst.carl',
      email: 'carl%x@corp.test',
      isActive: false,
      createdDaysAgo: 8,
      lastLoginDaysAgo: 3,
    },
    { username: 'lst.dora', email: 'dora_y@corp.test', role: 'process_operator', createdDaysAgo: 7 },
    { username: 'lst.eve', email: 'eve@corp.test', apiTokenInDays: 30, createdDaysAgo: 6 },
    { username: 'lst.frank', email: 'frank@corp.test', createdDaysAgo: 5, lastLoginDaysAgo: 2 },
    {
      username: 'lst.gina',
      email: "gina'o@corp.test",
      role: 'process_analyst',
      isActive: false,
      apiTokenInDays: 30,
      createdDaysAgo: 4,
    },
    { username: 'lst.hank', email: 'hank\\z@corp.test', createdDaysAgo: 3, lastLoginDaysAgo: 5 },
  ];
  const byCreated = SET.map((s) => s.username);

  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    for (const s of SET) await seed(t, s);
    await seed(t, { username: 'lst_other', email: 'other@corp.test', createdDaysAgo: 1 });
  });

  it('answers {items, total, totalExact, page, pageSize} with 20 per page by default', async () => {
    const res = await list({});
    expectStatus(res, 200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'page', 'pageSize', 'total', 'totalExact']);
    expect(res.body).toMatchObject({ total: SET.length + 2, totalExact: true, page: 1, pageSize: 20 });
    expect(res.body.items).toHaveLength(SET.length + 2);
  });

  describe('search', () => {
    it('matches a substring of three or more characters in the username or the e-mail, ignoring case', async () => {
      expect(await names({ search: 'anna' })).toEqual(['lst.anna']);
      expect(await names({ search: 'ANNA' })).toEqual(['lst.anna']);
      expect(await names({ search: 'smith@EXAMPLE' })).toEqual(['lst.anna']);
      expect(await names({ search: 'corp.test', sort: 'createdAt' })).toEqual([
        ...byCreated.slice(1),
        'lst_other',
      ]);
      expect(await names({ search: 'nobody-matches-this' })).toEqual([]);
      expect(await names({ search: 'nna' })).toEqual(['lst.anna']);
      expect(await names({ search: 'NNA' })).toEqual(['lst.anna']);
    });

    it('matches one or two characters at the start of the username or the e-mail only', async () => {
      // usernames all start with "lst"; the e-mails with the first name
      expect(await names({ search: 'ls' })).toEqual(
        [...SET.map((s) => s.username)].sort().concat('lst_other'),
      );
      expect(await names({ search: 'l' })).toEqual(
        [...SET.map((s) => s.username)].sort().concat('lst_other'),
      );
      expect(await names({ search: 'an' })).toEqual(['lst.anna']);
      expect(await names({ search: 'AN' })).toEqual(['lst.anna']);
      expect(await names({ search: 'b' })).toEqual(['lst.bob']);
      expect(await names({ search: 'ot' })).toEqual(['lst_other']);
      // inside a name, never at its start: no match below three characters
      expect(await names({ search: 'nn' })).toEqual([]);
      expect(await names({ search: 'st' })).toEqual([]);
      expect(await names({ search: '.a' })).toEqual([]);
      expect(await names({ search: '@' })).toEqual([]);
      const res = await list({ search: 'ls' });
      expect(res.body).toMatchObject({ total: SET.length + 1, totalExact: true });
    });

    it('takes % _ \\ and quotes literally, never as wildcards or SQL', async () => {
      expect(await names({ search: 'l%x' })).toEqual(['lst.carl']);
      expect(await names({ search: '%' })).toEqual([]);
      expect(await names({ search: 'a_y' })).toEqual(['lst.dora']);
      expect(await names({ search: 't_o' })).toEqual(['lst_other']);
      expect(await names({ search: '_' })).toEqual([]);
      expect(await names({ search: 'l_' })).toEqual([]);
      expect(await names({ search: 'lst_' })).toEqual(['lst_other']);
      expect(await names({ search: 'k\\z' })).toEqual(['lst.hank']);
      expect(await names({ search: '\\' })).toEqual([]);
      expect(await names({ search: "a'o" })).toEqual(['lst.gina']);
      expect(await names({ search: "'" })).toEqual([]);
      expect(await names({ search: "' OR '1'='1" })).toEqual([]);
      expect(await names({ search: "'; DROP TABLE users; --" })).toEqual([]);
      expect(await names({ search: '%%' })).toEqual([]);
      expect(await names({ search: 'ü' })).toEqual([]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users`);
      expect(n).toBe(SET.length + 2);
    });

    it('treats an empty search as no search', async () => {
      const res = await list({ search: '' });
      expectStatus(res, 200);
      expect(res.body.total).toBe(SET.length + 2);
    });
  });

  describe('filters', () => {
    it('filters by role, status and kind, alone and together', async () => {
      const q = { search: 'lst.', sort: 'createdAt' };
      expect(await names({ ...q, role: 'process_analyst' })).toEqual(['lst.bob', 'lst.gina']);
      expect(await names({ ...q, role: 'no_such_role' })).toEqual([]);
      expect(await names({ ...q, isActive: 'false' })).toEqual(['lst.carl', 'lst.gina']);
      expect(await names({ ...q, isActive: 'true' })).toEqual(
        byCreated.filter((n) => !['lst.carl', 'lst.gina'].includes(n)),
      );
      expect(await names({ ...q, isApiUser: 'true' })).toEqual(['lst.eve', 'lst.gina']);
      expect(await names({ ...q, isApiUser: 'true', isActive: 'true' })).toEqual(['lst.eve']);
      expect(await names({ ...q, role: 'viewer', isApiUser: 'false', isActive: 'true' })).toEqual([
        'lst.anna',
        'lst.frank',
        'lst.hank',
      ]);
    });

    it('counts every match in total, not only the page', async () => {
      const res = await list({ search: 'lst.', role: 'viewer', pageSize: 2 });
      expectStatus(res, 200);
      expect(res.body.items).toHaveLength(2);
      expect(res.body.total).toBe(5);
    });
  });

  describe('sort', () => {
    it('sorts by username both ways (the default is username ascending)', async () => {
      const asc = [...byCreated].sort();
      expect(await names({ search: 'lst.' })).toEqual(asc);
      expect(await names({ search: 'lst.', sort: 'username', order: 'asc' })).toEqual(asc);
      expect(await names({ search: 'lst.', sort: 'username', order: 'desc' })).toEqual([...asc].reverse());
    });

    it('sorts by createdAt both ways', async () => {
      expect(await names({ search: 'lst.', sort: 'createdAt', order: 'asc' })).toEqual(byCreated);
      expect(await names({ search: 'lst.', sort: 'createdAt', order: 'desc' })).toEqual(
        [...byCreated].reverse(),
      );
    });

    it('sorts by lastLoginAt both ways, never-logged-in users last either way', async () => {
      // logged in 5, 3, 2, 1 days ago: hank, carl, frank, anna; then the rest by id
      expect(await names({ search: 'lst.', sort: 'lastLoginAt', order: 'asc' })).toEqual([
        'lst.hank',
        'lst.carl',
        'lst.frank',
        'lst.anna',
        'lst.bob',
        'lst.dora',
        'lst.eve',
        'lst.gina',
      ]);
      expect(await names({ search: 'lst.', sort: 'lastLoginAt', order: 'desc' })).toEqual([
        'lst.anna',
        'lst.frank',
        'lst.carl',
        'lst.hank',
        'lst.gina',
        'lst.eve',
        'lst.dora',
        'lst.bob',
      ]);
    });
  });

  describe('paging', () => {
    it('pages without overlap or gap, and answers an empty page past the end', async () => {
      const q = { search: 'lst.', sort: 'createdAt', pageSize: 3 };
      const pages = [];
      for (const page of [1, 2, 3]) {
        const res = await list({ ...q, page });
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ total: 8, page, pageSize: 3 });
        pages.push(...res.body.items.map((u: { username: string }) => u.username));
      }
      expect(pages).toEqual(byCreated);
      const past = await list({ ...q, page: 4 });
      expectStatus(past, 200);
      expect(past.body).toMatchObject({ items: [], total: 8, page: 4, pageSize: 3 });
    });

    it('accepts pageSize 1 and 100', async () => {
      expect((await list({ pageSize: 1 })).body.items).toHaveLength(1);
      expectStatus(await list({ pageSize: 100 }), 200);
    });
  });

  it('keeps `total` exact without a search, through every kind of change', async () => {
    const h = bearer(admin);
    const created = await t.http().post(USERS).set(h).send({
      username: 'cnt.one',
      email: 'cnt.one@example.test',
      password: 'MySecure2025Pass!',
      role: 'viewer',
    });
    expectStatus(created, 201);
    const id = created.body.user.id;
    expectStatus(await t.http().patch(`${USERS}/${id}`).set(h).send({ role: 'process_operator' }), 200);
    expectStatus(await t.http().post(`${USERS}/${id}/toggle-status`).set(h), 200);
    expectStatus(
      // an API user's role must grant api_access: the conversion moves it to the starter role
      await t
        .http()
        .patch(`${USERS}/${id}`)
        .set(h)
        .send({ isApiUser: true, apiTokenTtlDays: 30, role: 'api_user' }),
      200,
    );
    await seed(t, { username: 'cnt.two', apiTokenInDays: 30, isActive: false });
    await seed(t, { username: 'cnt.three' });
    await seed(t, { username: 'cnt.four', role: 'process_operator' });
    // one statement moving users between groups in both directions, and one moving none
    await t.dataSource.query(
      `UPDATE users SET role_name = CASE role_name WHEN 'viewer' THEN 'process_operator' ELSE 'viewer' END
        WHERE username IN ('cnt.three', 'cnt.four')`,
    );
    await t.dataSource.query(`UPDATE users SET last_login_at = now() WHERE username LIKE 'cnt.%'`);
    const filters: Record<string, string>[] = [
      {},
      { role: 'viewer' },
      { role: 'process_analyst' },
      { role: 'api_user', isActive: 'false', isApiUser: 'true' },
      { isActive: 'false' },
      { isApiUser: 'true' },
      { isActive: 'true', isApiUser: 'false' },
    ];
    const exact = async (f: Record<string, string>) => {
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM users
          WHERE ($1::text IS NULL OR role_name = $1) AND ($2::boolean IS NULL OR is_active = $2)
            AND ($3::boolean IS NULL OR is_api_user = $3)`,
        [f.role ?? null, f.isActive ?? null, f.isApiUser ?? null],
      );
      return n;
    };
    for (const f of filters) expect((await list(f)).body.total, JSON.stringify(f)).toBe(await exact(f));
    expectStatus(await t.http().delete(`${USERS}/${id}`).set(h), 204);
    await t.dataSource.query(`DELETE FROM users WHERE username LIKE 'cnt.%'`);
    for (const f of filters) expect((await list(f)).body.total, JSON.stringify(f)).toBe(await exact(f));
  });

  describe('hostile or invalid parameters: 400 VALIDATION_FAILED', () => {
    const bad: [string, string][] = [
      ['sort=password_hash', 'sort'],
      ['sort=USERNAME', 'sort'],
      ['sort=username;DROP TABLE users', 'sort'],
      ['sort=username&sort=createdAt', 'sort'],
      ['order=up', 'order'],
      ['order=ASC', 'order'],
      ['order=asc&order=desc', 'order'],
      ['isActive=yes', 'isActive'],
      ['isActive=1', 'isActive'],
      ['isActive=', 'isActive'],
      ['isApiUser=TRUE', 'isApiUser'],
      ['isApiUser=true&isApiUser=false', 'isApiUser'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=abc', 'page'],
      ['page=1.5', 'page'],
      ['page=1e2', 'page'],
      ['page=99999999999', 'page'],
      ['page=1&page=2', 'page'],
      ['pageSize=0', 'pageSize'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      [`search=${'x'.repeat(255)}`, 'search'],
      ['search=a&search=b', 'search'],
      [`role=${'r'.repeat(64)}`, 'role'],
      ['role=a&role=b', 'role'],
      ['sort[]=username', 'sort[]'],
      ['unknown=1', 'unknown'],
    ];
    it.each(bad)('%s', async (qs, field) => {
      const res = await t.http().get(`${USERS}?${qs}`).set(bearer(admin));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('a search of 254 characters is fine', async () => {
      const res = await list({ search: 'y'.repeat(254) });
      expectStatus(res, 200);
      expect(res.body.total).toBe(0);
    });

    it('a long search of wildcards is refused cleanly, never a 500', async () => {
      const res = await t
        .http()
        .get(`${USERS}?search=${'%25'.repeat(3_000)}`)
        .set(bearer(admin));
      expectError(res, 400, 'VALIDATION_FAILED');
    });
  });
});

/**
 * An app of its own, seeded by these statements before the block's tests; answers GET /users as the
 * admin, expecting 200: the page and its total.
 */
function listingApp(...seed: string[]) {
  const t = useTestApp();
  let admin: string;
  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    for (const sql of seed) await t.dataSource.query(sql);
  });
  return async (query: Record<string, unknown>) => {
    const res = await t.http().get(USERS).query(query).set(bearer(admin));
    expectStatus(res, 200);
    return res.body as { items: { username: string }[]; total: number; totalExact: boolean };
  };
}

describe('GET /users: total exact up to 10,000 matches, an estimate beyond', () => {
  // 10,001 viewers: bulk.00000 to bulk.10000
  const list = listingApp(
    `INSERT INTO users (username, email, role_name)
     SELECT 'bulk.' || lpad(g::text, 5, '0'), 'bulk.' || lpad(g::text, 5, '0') || '@bulk.test', 'viewer'
       FROM generate_series(0, 10000) g`,
  );

  it('counts a search exactly up to 10,000 matches', async () => {
    expect(await list({ search: 'bulk.0', pageSize: 5 })).toMatchObject({ total: 10_000, totalExact: true });
    expect(await list({ search: 'bulk.1' })).toMatchObject({ total: 1, totalExact: true });
    const one = await list({ search: 'bulk.10000' });
    expect(one).toMatchObject({ total: 1, totalExact: true });
    expect(one.items.map((u) => u.username)).toEqual(['bulk.10000']);
  });

  it('estimates a search beyond 10,000 matches, never below what it counted', async () => {
    for (const search of ['bulk.', 'bulk', 'bu', 'b']) {
      const res = await list({ search, pageSize: 3 });
      expect(res.totalExact, search).toBe(false);
      expect(res.total, search).toBeGreaterThan(10_000);
      expect(res.items.map((u) => u.username)).toEqual(['bulk.00000', 'bulk.00001', 'bulk.00002']);
    }
  });

  it('marks a filter total beyond 10,000 as not exact, and one within as exact', async () => {
    expect(await list({})).toMatchObject({ total: 10_002, totalExact: false });
    expect(await list({ role: 'viewer' })).toMatchObject({ total: 10_001, totalExact: false });
    expect(await list({ role: 'administrator' })).toMatchObject({ total: 1, totalExact: true });
    expect(await list({ isApiUser: 'true' })).toMatchObject({ total: 0, totalExact: true });
  });
});

describe('GET /users: the count of a one- or two-character search', () => {
  // qx.* by username, qx-mail* by e-mail only, and one user matching by both; 10,001 e-mails under zq.
  const list = listingApp(
    `INSERT INTO users (username, email, role_name, is_active) VALUES
       ('qx.one', 'one@count.test', 'viewer', true),
       ('qx.two', 'two@count.test', 'viewer', false),
       ('mail.one', 'QX-mail1@count.test', 'viewer', true),
       ('mail.two', 'qx-mail2@count.test', 'administrator', true),
       ('qx.both', 'qx.both@count.test', 'viewer', true)`,
    `INSERT INTO users (username, email, role_name)
     SELECT 'many.' || g, 'zq' || g || '@count.test', 'viewer' FROM generate_series(0, 10000) g`,
  );

  it('counts a user matching by username and by e-mail once', async () => {
    expect(await list({ search: 'qx' })).toMatchObject({ total: 5, totalExact: true });
    expect(await list({ search: 'Q' })).toMatchObject({ total: 5, totalExact: true });
  });

  it('applies the other filters to both halves', async () => {
    expect(await list({ search: 'qx', isActive: 'false' })).toMatchObject({ total: 1, totalExact: true });
    expect(await list({ search: 'qx', role: 'administrator' })).toMatchObject({ total: 1, totalExact: true });
    const viewers = await list({ search: 'qx', role: 'viewer', isActive: 'true' });
    expect(viewers).toMatchObject({ total: 3, totalExact: true });
    expect(viewers.items.map((u) => u.username)).toEqual(['mail.one', 'qx.both', 'qx.one']);
  });

  it('estimates once one half alone matches more than 10,000', async () => {
    for (const search of ['z', 'zq']) {
      const res = await list({ search, pageSize: 2 });
      expect(res.totalExact, search).toBe(false);
      expect(res.total, search).toBeGreaterThan(10_000);
    }
    expect(await list({ search: 'zq', role: 'administrator' })).toMatchObject({ total: 0, totalExact: true });
  });
});

describe('GET /users/hygiene', () => {
  const t = useTestApp();
  let admin: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    const seeds: Seed[] = [
      { username: 'h.never', createdDaysAgo: 40 },
      { username: 'h.recent', createdDaysAgo: 10 },
      { username: 'h.returning', createdDaysAgo: 40, lastLoginDaysAgo: 1 },
      { username: 'h.failed', createdDaysAgo: 2, lastLoginDaysAgo: 1, failedLogins: 5 },
      { username: 'h.failed4', createdDaysAgo: 2, lastLoginDaysAgo: 1, failedLogins: 4 },
      { username: 'h.api-never', apiTokenInDays: null, createdDaysAgo: 40 },
      { username: 'h.api-expiring', apiTokenInDays: 2 },
      { username: 'h.api-expired', apiTokenInDays: -1 },
      { username: 'h.api-revoked', apiTokenInDays: 'revoked' },
      { username: 'h.api-ok', apiTokenInDays: 30, createdDaysAgo: 40, tokenUsedDaysAgo: 1 },
      { username: 'h.api-unused', apiTokenInDays: 60, createdDaysAgo: 40, tokenUsedDaysAgo: 31 },
      { username: 'h.inactive', isActive: false, createdDaysAgo: 1, lastLoginDaysAgo: 1 },
      { username: 'h.everything', isActive: false, createdDaysAgo: 90, failedLogins: 12 },
    ];
    for (const s of seeds) ids[s.username] = await seed(t, s);
  });

  it('lists the accounts to review, each with its reasons', async () => {
    const res = await t.http().get(`${USERS}/hygiene`).query({ pageSize: 100 }).set(bearer(admin));
    expectStatus(res, 200);
    const reasons = Object.fromEntries(
      (res.body.items as { user: { username: string }; reasons: { code: string; message: string }[] }[]).map(
        (i) => [i.user.username, i.reasons.map((r) => r.code)],
      ),
    );
    expect(reasons).toEqual({
      'h.never': ['never_logged_in'],
      'h.failed': ['repeated_failed_logins'],
      // Created 40 days ago and never used: its token is unused for 30 days, too.
      'h.api-never': ['token_never_expires', 'token_unused'],
      'h.api-unused': ['token_unused'],
      'h.api-expiring': ['token_expiring'],
      'h.api-expired': ['token_expired'],
      'h.api-revoked': ['token_expired'],
      'h.inactive': ['inactive'],
      'h.everything': ['never_logged_in', 'repeated_failed_logins', 'inactive'],
    });
    expect(res.body).toMatchObject({ total: 9, page: 1, pageSize: 100 });
    const item = res.body.items.find((i: { user: { username: string } }) => i.user.username === 'h.never');
    expect(item.user.id).toBe(ids['h.never']);
    expect(item.reasons[0].message).toMatch(/Never logged in; created 40 days ago/);
    expect(res.text).not.toMatch(/api_token_id|apiTokenId|password_?hash/i);
  });

  it('pages like the user list', async () => {
    const res = await t.http().get(`${USERS}/hygiene`).query({ page: 2, pageSize: 3 }).set(bearer(admin));
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ total: 9, page: 2, pageSize: 3 });
    expect(res.body.items).toHaveLength(3);
    expectError(
      await t.http().get(`${USERS}/hygiene`).query({ pageSize: 101 }).set(bearer(admin)),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('is not read as a user id, and needs manage_users', async () => {
    expectError(await t.http().get(`${USERS}/hygiene`), 401, 'UNAUTHENTICATED');
    expectError(
      await t.http().patch(`${USERS}/hygiene`).set(bearer(admin)).send({}),
      400,
      'VALIDATION_FAILED',
    );
  });
});
