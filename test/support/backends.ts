import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import pg from 'pg';

/** Which backends this run uses: real PostgreSQL / Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set. */
export const usingPostgres = !!process.env.TEST_DATABASE_URL;
export const usingRedis = !!process.env.TEST_REDIS_URL;

/** A Redis nobody listens on: the service must get by without its cache. */
export const UNREACHABLE_CACHE = { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unreachable:' };

export interface Backend {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

function unique(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh database: a new PostgreSQL database (dropped after), or a new PGlite folder (removed after). */
export async function freshDatabase(): Promise<Backend> {
  if (!usingPostgres) {
    const dir = mkdtempSync(join(tmpdir(), 'champa-iam-test-'));
    return { env: { DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `ciam_test_${unique()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // A DATA_DIR of its own on PostgreSQL too, removed with the database.
  const dir = mkdtempSync(join(tmpdir(), 'champa-iam-test-'));
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dir },
    dispose: async () => {
      rmSync(dir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A key prefix of its own on the test Redis, its keys deleted after; nothing when running in-process. */
export async function freshCache(): Promise<Backend> {
  if (!usingRedis) return { env: {}, dispose: async () => undefined };
  const url = process.env.TEST_REDIS_URL!;
  const prefix = `ciam-test:${unique()}:`;
  return {
    env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
    dispose: async () => {
      const client = createClient({ url });
      await client.connect();
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length) await client.del(keys);
      }
      await client.close();
    },
  };
}
