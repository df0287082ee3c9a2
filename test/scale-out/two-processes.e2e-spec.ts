import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, freshCache, freshDatabase, usingPostgres, usingRedis } from '../support/backends.js';
import { killHard, SERVICE_ENTRY, spawnTracked, START_FLAGS } from '../support/process.js';

const HAPROXY = '/usr/sbin/haproxy';
const ADMIN_PASSWORD = 'Adm1n-Two-Procs-Passw0rd!';
const PASSWORD = 'MySecure2025Pass!';
const WRONG = 'Wrong-Passw0rd-99';
// Requests made right after each change: enough to land on both instances several times.
const BURST = 6;

interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: string };
  servedBy: string | null;
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; ip?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  const res = await fetch(base + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Answer['body']) : {},
    servedBy: res.headers.get('x-served-by'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const portOf = (url: string) => new URL(url).port;

interface ServiceProcess {
  child: ChildProcess;
  url: string;
  kill(): Promise<unknown>;
}

/**
 * The built service on a port chosen here, ready once /health/ready answers 200: readiness is read
 * from the service itself rather than from its log, which it writes at its own pace.
 */
async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, [...START_FLAGS, SERVICE_ENTRY], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(
      `the service on port ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
        return (await fetch(`${url}/health/ready`)).status === 200;
      },
      240_000,
    );
  } catch (err) {
    await killHard(child);
    throw err;
  }
  return { child, url, kill: () => killHard(child) };
}

/** Waits (without a fixed pause) until `check` holds, or fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Shared state between processes needs the real services: skipped on the embedded default.
describe.skipIf(!(usingPostgres && usingRedis))(
  'scale-out: two service processes behind HAProxy, one PostgreSQL, one Redis',
  () => {
    let database: Backend;
    let cache: Backend;
    let a: ServiceProcess | undefined;
    let b: ServiceProcess | undefined;
    let haproxy: ChildProcess | undefined;
    let dir: string;
    let lb: string;
    let admin: string;
    let n = 0;

    beforeAll(async () => {
      database = await freshDatabase();
      cache = await freshCache();
      const env = {
        ...database.env,
        ...cache.env,
        JWT_SECRET: randomBytes(32).toString('hex'),
        AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
        MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ADMIN_PASSWORD,
        TRUST_PROXY: 'true',
        RATE_LIMIT_PER_MINUTE: '5000',
        LOCKOUT_THRESHOLD_PER_ADDRESS: '5',
        LOCKOUT_BASE_SECONDS: '120',
      };
      // One after the other: the first runs the migrations and creates the administrator.
      a = await startService(env);
      b = await startService(env);
      dir = mkdtempSync(join(tmpdir(), 'champa-iam-haproxy-'));
      const port = await freePort();
      const config = [
        'global',
        '  maxconn 512',
        'defaults',
        '  mode http',
        '  timeout connect 10s',
        '  timeout client 120s',
        '  timeout server 120s',
        'frontend front',
        `  bind 127.0.0.1:${port}`,
        '  default_backend services',
        'backend services',
        '  balance roundrobin',
        '  http-response set-header X-Served-By %[srv_name]',
        `  server a 127.0.0.1:${portOf(a.url)}`,
        `  server b 127.0.0.1:${portOf(b.url)}`,
        '',
      ].join('\n');
      writeFileSync(join(dir, 'haproxy.cfg'), config);
      haproxy = spawnTracked(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
      lb = `http://127.0.0.1:${port}`;
      await until('the balancer', async () => (await call(lb, 'GET', '/health/live')).status === 200);
      const res = await call(lb, 'POST', '/auth/api/login', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      admin = res.body.accessToken as string;
      for (const instance of [a, b])
        await until(
          'both instances to hear invalidations',
          async () => (await metric(instance, 'iam_auth_local_layer_live')) === 1,
        );
    }, 600_000);

    afterAll(async () => {
      if (haproxy) await killHard(haproxy);
      await a?.kill();
      await b?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await cache?.dispose();
      await database?.dispose();
    }, 120_000);

    async function metric(instance: ServiceProcess, name: string): Promise<number | undefined> {
      const res = await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
      const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    }
    const ip = () => `10.20.${++n % 250}.${(n * 7) % 250}`;

    async function createUser(role: string, extra: Record<string, unknown> = {}) {
      const username = `p${Date.now().toString(36)}${++n}`;
      const res = await call(lb, 'POST', '/auth/api/users', {
        token: admin,
        body: { username, email: `${username}@example.test`, role, password: PASSWORD, ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { id: (res.body.user as { id: number }).id, username, apiToken: res.body.apiToken as string };
    }

    async function createRole(permissions: string[]): Promise<string> {
      const name = `r_${randomBytes(4).toString('hex')}`;
      const res = await call(lb, 'POST', '/auth/api/roles', {
        token: admin,
        body: { name, displayName: name, permissions },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return name;
    }

    /** An API user of a fresh role holding `permissions`, with its token. */
    async function apiUserWith(permissions: string[]) {
      const role = await createRole(permissions);
      const user = await createUser(role, { isApiUser: true, apiTokenTtlDays: 30, password: undefined });
      return { role, ...user };
    }

    /** A user with a session, whose state each instance has already read (and may keep locally). */
    async function sessionSeenOnBoth() {
      const user = await createUser('viewer');
      const res = await call(lb, 'POST', '/auth/api/login', {
        body: { username: user.username, password: PASSWORD },
        ip: ip(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const token = res.body.accessToken as string;
      await warm(token);
      return { user, token };
    }

    async function warm(token: string, path = '/auth/api/me') {
      for (const instance of [a!, b!, a!, b!])
        expect((await call(instance.url, 'GET', path, { token })).status).toBe(200);
    }

    /** Several requests through the balancer right after a change: every one, on either instance, sees it. */
    async function burst(token: string, path = '/auth/api/me') {
      const answers: Answer[] = [];
      for (let i = 0; i < BURST; i++) answers.push(await call(lb, 'GET', path, { token }));
      expect(new Set(answers.map((x) => x.servedBy))).toEqual(new Set(['a', 'b']));
      return answers.map((x) => `${x.status} ${x.body.code ?? ''}`.trim());
    }

    it.each([
      ['revocation', 'revoke-sessions'],
      ['deactivation', 'toggle-status'],
    ])('%s holds on the very next request on both instances', async (_change, action) => {
      const { user, token } = await sessionSeenOnBoth();
      expect((await call(lb, 'POST', `/auth/api/users/${user.id}/${action}`, { token: admin })).status).toBe(
        200,
      );
      expect(await burst(token)).toEqual(Array(BURST).fill('401 TOKEN_REVOKED'));
    });

    it('removing a permission from a role holds on the very next request on both instances', async () => {
      const { role, apiToken } = await apiUserWith(['api_access', 'manage_roles']);
      await warm(apiToken, '/auth/api/roles');
      const edit = await call(lb, 'PATCH', `/auth/api/roles/${role}`, {
        token: admin,
        body: { permissions: ['api_access'] },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect(await burst(apiToken, '/auth/api/roles')).toEqual(Array(BURST).fill('403 PERMISSION_DENIED'));
    });

    it('token regeneration holds on the very next request on both instances', async () => {
      const { id, apiToken } = await apiUserWith(['api_access']);
      await warm(apiToken);
      const res = await call(lb, 'POST', `/auth/api/users/${id}/regenerate-token`, { token: admin });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await burst(apiToken)).toEqual(Array(BURST).fill('401 TOKEN_REVOKED'));
      expect(await burst(res.body.apiToken as string)).toEqual(Array(BURST).fill('200'));
    });

    it('a previous token revoked on one instance is refused on the next request on the other', async () => {
      const { id, apiToken } = await apiUserWith(['api_access']);
      const res = await call(a!.url, 'POST', `/auth/api/users/${id}/regenerate-token`, {
        token: admin,
        body: { graceHours: 24 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const next = res.body.apiToken as string;
      // Both tokens work on both instances, which now hold the user's state.
      await warm(apiToken);
      await warm(next);
      const revoke = await call(a!.url, 'POST', `/auth/api/users/${id}/revoke-previous-token`, {
        token: admin,
      });
      expect(revoke.status, JSON.stringify(revoke.body)).toBe(204);
      const onB = await call(b!.url, 'GET', '/auth/api/me', { token: apiToken });
      expect(`${onB.status} ${onB.body.code}`).toBe('401 TOKEN_REVOKED');
      expect(await burst(apiToken)).toEqual(Array(BURST).fill('401 TOKEN_REVOKED'));
      expect(await burst(next)).toEqual(Array(BURST).fill('200'));
    });

    it('counts failed logins across both instances', async () => {
      const user = await createUser('viewer');
      const from = ip();
      const servedBy = new Set<string | null>();
      for (let i = 0; i < 5; i++) {
        const res = await call(lb, 'POST', '/auth/api/login', {
          body: { username: user.username, password: WRONG },
          ip: from,
        });
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
        servedBy.add(res.servedBy);
      }
      expect(servedBy).toEqual(new Set(['a', 'b']));
      for (let i = 0; i < 2; i++) {
        const res = await call(lb, 'POST', '/auth/api/login', {
          body: { username: user.username, password: PASSWORD },
          ip: from,
        });
        expect(`${res.status} ${res.body.code}`).toBe('429 ACCOUNT_LOCKED');
      }
    });

    it('an instance whose subscription is killed never accepts a revoked token', async () => {
      const { user, token } = await sessionSeenOnBoth();
      const redis = createClient({ url: process.env.TEST_REDIS_URL });
      await redis.connect();
      try {
        const name = `${cache.env.REDIS_KEY_PREFIX}auth-layer:${b!.child.pid}`;
        const list = String(await redis.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub']));
        const line = list.split('\n').find((l) => l.includes(` name=${name} `));
        expect(line, list).toBeDefined();
        const spells = (await metric(b!, 'iam_auth_local_layer_deaf_spells')) ?? 0;
        await redis.sendCommand(['CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(line!)![1]]);
        // B noticed: whether it is still deaf or already back (and emptied), it must not answer from memory.
        await until(
          'B to notice',
          async () => ((await metric(b!, 'iam_auth_local_layer_deaf_spells')) ?? 0) > spells,
        );
      } finally {
        await redis.close();
      }
      expect(
        (await call(a!.url, 'POST', `/auth/api/users/${user.id}/revoke-sessions`, { token: admin })).status,
      ).toBe(200);
      const direct = await call(b!.url, 'GET', '/auth/api/me', { token });
      expect(`${direct.status} ${direct.body.code}`).toBe('401 TOKEN_REVOKED');
      expect(await burst(token)).toEqual(Array(BURST).fill('401 TOKEN_REVOKED'));
      await until('B to hear again', async () => (await metric(b!, 'iam_auth_local_layer_live')) === 1);
    });
  },
);
