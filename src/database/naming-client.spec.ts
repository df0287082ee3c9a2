import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_STATEMENTS_MAX, NamingClient, statementName } from './naming-client.js';

// PGlite runs initdb in memory first; on a busy machine that takes a while.
const SLOW = { timeout: 600_000 };

describe('statement names', () => {
  it('gives a text the same name every time, and another text another name', () => {
    const first = statementName('SELECT $1::int AS a -- naming spec');
    expect(first).toMatch(/^ciam_\d+$/);
    expect(statementName('SELECT $1::int AS a -- naming spec')).toBe(first);
    expect(statementName('SELECT $1::int AS b -- naming spec')).not.toBe(first);
  });
});

describe('the embedded database client', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  // As TypeORM uses the pool: a client taken from it, released only at the end.
  let client: pg.PoolClient;

  beforeAll(async () => {
    pglite = new PGlite('memory://');
    pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, Client: NamingClient });
    client = await pool.connect();
    await client.query('CREATE TABLE things (id int PRIMARY KEY, label text NOT NULL)');
  }, SLOW.timeout);

  afterAll(async () => {
    client?.release();
    await pool?.end();
    await pglite?.close();
  });

  const prepared = async () =>
    (await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
      (r) => r.statement,
    );

  it('is a NamingClient', () => expect(client).toBeInstanceOf(NamingClient));

  it('prepares a statement with parameters once, and answers it as before', async () => {
    const insert = 'INSERT INTO things (id, label) VALUES ($1, $2) RETURNING label';
    expect((await client.query(insert, [1, 'one'])).rows).toEqual([{ label: 'one' }]);
    expect((await client.query(insert, [2, 'two'])).rows).toEqual([{ label: 'two' }]);
    const select = 'SELECT label FROM things WHERE id = $1';
    expect((await client.query(select, [2])).rows).toEqual([{ label: 'two' }]);
    expect((await client.query(select, [3])).rows).toEqual([]);
    expect((await prepared()).sort()).toEqual([insert, select].sort());
  });

  it('leaves statements without parameters unnamed', async () => {
    const before = await prepared();
    expect((await client.query('SELECT count(*)::int AS n FROM things')).rows).toEqual([{ n: 2 }]);
    expect(await prepared()).toEqual(before);
  });

  it('reports a failing statement as before, and runs it again once it can succeed', async () => {
    const insert = 'INSERT INTO things (id, label) VALUES ($1, $2) -- naming spec failure';
    await expect(client.query(insert, [1, 'again'])).rejects.toThrow(/duplicate key/);
    await expect(client.query(insert, [3, 'three'])).resolves.toMatchObject({ rowCount: 1 });
  });

  it(`names at most ${NAMED_STATEMENTS_MAX} texts; the others run unnamed`, async () => {
    for (let i = 0; i <= NAMED_STATEMENTS_MAX; i++)
      statementName(`SELECT $1::int AS n${i} -- naming spec cap`);
    const beyond = 'SELECT $1::int AS past_the_cap';
    expect(statementName(beyond)).toBeUndefined();
    const before = await prepared();
    expect((await client.query(beyond, [7])).rows).toEqual([{ past_the_cap: 7 }]);
    expect(await prepared()).toEqual(before);
  });
});
