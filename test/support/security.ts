import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { ERROR_STATUS } from '../../src/common/errors/error-codes.js';
import { auditTableText } from './audit.js';
import { bearer, type TestApp } from './harness.js';
import { killHard, spawnTracked } from './process.js';

// ---------------------------------------------------------------- tokens

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT whose header and payload are exactly as given, HS256-signed with `secret` over those bytes. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Buffer,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A JWT with the given header and payload and the given (possibly empty) signature part. */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = '') {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

// ---------------------------------------------------------------- the OpenAPI document

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** OpenAPI path, e.g. /auth/api/users/{id} */
  path: string;
  operationId: string;
  /** `security: []`: open to anonymous callers. */
  isPublic: boolean;
  /** Any one of these passes the check; empty: any authenticated caller. */
  permissions: string[];
  hasBody: boolean;
  /** The request body's documented properties, and the required ones. */
  bodyProperties: string[];
  bodyRequired: string[];
  pathParams: string[];
  queryParams: string[];
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}

interface OpenApiDoc {
  components?: { schemas?: Record<string, SchemaObject> };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: unknown[];
        requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
        parameters?: { in: string; name: string }[];
        responses: Record<string, { description?: string }>;
      }
    >
  >;
}

/**
 * Every operation of the served OpenAPI document, with the permissions its
 * 403 response documents (`PERMISSION_DENIED (needs a or b)`), so that a
 * route added tomorrow is covered by the suites without editing them.
 */
export async function operationsOf(t: TestApp): Promise<Operation[]> {
  const res = await t.http().get('/docs-json');
  expect(res.status).toBe(200);
  const doc = res.body as OpenApiDoc;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      let schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split('/').pop()!];
      const needs = /PERMISSION_DENIED \(needs ([a-z0-9_ ]+)\)/.exec(op.responses['403']?.description ?? '');
      ops.push({
        method,
        path,
        operationId: op.operationId,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        permissions: needs ? needs[1].split(' or ').map((s) => s.trim()) : [],
        hasBody: op.requestBody !== undefined,
        bodyProperties: Object.keys(schema?.properties ?? {}),
        bodyRequired: schema?.required ?? [],
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return ops;
}

/** The operation's path with its parameters filled in (URI-encoded). */
export function pathOf(op: Operation, values: Record<string, string | number>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${op.path}`);
    return encodeURIComponent(String(values[name]));
  });
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  query?: string;
  headers?: Record<string, string>;
}

/** Calls one operation as given. */
export function call(t: TestApp, op: Operation, path: string, options: CallOptions = {}) {
  const url = options.query ? `${path}?${options.query}` : path;
  const req = t.http()[op.method](url);
  if (options.token) req.set(bearer(options.token));
  for (const [k, v] of Object.entries(options.headers ?? {})) req.set(k, v);
  if (options.body !== undefined) {
    if (typeof options.body === 'string') req.set('Content-Type', 'application/json').send(options.body);
    else req.send(options.body as object);
  }
  return req;
}

export const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

// ---------------------------------------------------------------- answers

/** An error answer of the contract: exactly {statusCode, error, code, message[, details]}, code matching the status. */
export function expectErrorShape(res: Response): void {
  const body = res.body as Record<string, unknown>;
  const where = `${res.status} ${JSON.stringify(body)}`;
  expect(body, where).toBeTypeOf('object');
  const keys = Object.keys(body ?? {}).filter((k) => k !== 'details' && k !== 'checks');
  expect(keys.sort(), where).toEqual(['code', 'error', 'message', 'statusCode']);
  expect(body.statusCode, where).toBe(res.status);
  expect(typeof body.error === 'string' && typeof body.message === 'string', where).toBe(true);
  expect(ERROR_STATUS[body.code as keyof typeof ERROR_STATUS], where).toBe(res.status);
}

/** What no answer may ever hold, and what no error answer may hold. */
const NEVER = [/\$argon2/i, /\n\s+at\s/, /node_modules/, /QueryFailedError/];
const NEVER_IN_ERRORS = [
  /eyJ[A-Za-z0-9_-]{8,}/,
  /\bSELECT\b/i,
  /\bINSERT\b/i,
  /\bUPDATE\s+"?\w+"?\s+SET\b/i,
  /syntax error/i,
  /violates/i,
  /\brelation\b/i,
  /\bpg_/i,
  /\s{4}at\s/,
];

/**
 * Fails when an answer carries a hash, a stack, SQL or (in an error) a token.
 * `sent` is what the request itself carried: an error that repeats the
 * caller's own input (a role name from the path) leaks nothing.
 */
export function expectNoLeak(res: Response, what: string, sent = ''): void {
  const text = res.text ?? '';
  for (const re of NEVER) expect(re.test(text), `${what}: ${re} in ${text.slice(0, 400)}`).toBe(false);
  if (res.status < 400) return;
  for (const re of NEVER_IN_ERRORS) {
    const found = [...text.matchAll(new RegExp(re.source, `${re.flags.replace('g', '')}g`))].map((m) => m[0]);
    const leaked = found.filter((f) => !sent.includes(f));
    expect(leaked, `${what}: ${re} in ${text.slice(0, 400)}`).toEqual([]);
  }
}

// ---------------------------------------------------------------- secrets

/**
 * The passwords and tokens a suite used, to be searched for afterwards in
 * the app's log lines and in the whole audit table.
 */
export class SecretWatch {
  private readonly secrets = new Set<string>();

  add(...values: (string | undefined | null)[]): void {
    for (const v of values) if (v && v.length >= 8) this.secrets.add(v);
  }

  /** Adds the secrets an answer carries (accessToken, apiToken, temporaryPassword). */
  fromAnswer(res: Response): void {
    const b = res.body as Record<string, unknown> | undefined;
    for (const k of ['accessToken', 'apiToken', 'temporaryPassword']) {
      if (typeof b?.[k] === 'string') this.add(b[k] as string);
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  /** No secret, nor the signature part of a token, in any log line or audit entry; no hash either. */
  async expectAbsent(t: TestApp): Promise<void> {
    const logs = t.logs.join('\n');
    const audit = await auditTableText(t);
    for (const secret of this.secrets) {
      const needles = secret.split('.').length === 3 ? [secret, secret.split('.')[2]] : [secret];
      for (const n of needles) {
        expect(logs.includes(n), `a secret in the logs: ${n.slice(0, 6)}…`).toBe(false);
        expect(audit.includes(n), `a secret in the audit log: ${n.slice(0, 6)}…`).toBe(false);
      }
    }
    expect(/\$argon2/.test(logs), 'a password hash in the logs').toBe(false);
    expect(/\$argon2/.test(audit), 'a password hash in the audit log').toBe(false);
    expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(logs), 'a JWT in the logs').toBe(false);
    expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(audit), 'a JWT in the audit log').toBe(false);
  }
}

// ---------------------------------------------------------------- processes and ports

/** A TCP port nobody listens on right now. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 500, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** A redis-server of the test's own, without persistence, that the test stops and starts. */
export interface OwnRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs one command on it through a short-lived client. */
  command(args: string[]): Promise<unknown>;
  dispose(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), 'ciam-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawnTracked(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = c;
    // Polled, with room for two busy cores; a server that never answers is killed, not left behind.
    for (let i = 0; i < 600; i++) {
      if (await redisAnswers(url)) return;
      if (c.exitCode !== null) break;
      await sleep(50);
    }
    child = undefined;
    await killHard(c);
    throw new Error(`redis-server on port ${port} did not start`);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await killHard(c);
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    command: async (args) => {
      const client = createClient({ url });
      await client.connect();
      try {
        return await client.sendCommand(args);
      } finally {
        client.destroy();
      }
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP relay in front of a server: `cut()` drops every connection and
 * refuses new ones while the server behind keeps its data (a network
 * partition); `heal()` lets connections through again. `stall()` keeps the
 * connections open but moves no byte (a black hole: nothing fails, nothing
 * answers); `resume()` lets the held bytes through.
 */
export interface Relay {
  port: number;
  cut(): void;
  heal(): void;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  let open = true;
  let stalled = false;
  const sockets = new Set<Socket>();
  // Bytes held while stalled, per destination socket, in order.
  const held = new Map<Socket, Buffer[]>();
  const forward = (from: Socket, to: Socket) =>
    from
      .on('data', (chunk: Buffer) => {
        if (stalled) held.set(to, [...(held.get(to) ?? []), chunk]);
        else to.write(chunk);
      })
      .resume();
  const server: Server = createServer((inbound) => {
    if (!open) {
      inbound.destroy();
      return;
    }
    const upstream = new Socket();
    sockets.add(inbound);
    sockets.add(upstream);
    const drop = () => {
      inbound.destroy();
      upstream.destroy();
      for (const s of [inbound, upstream]) {
        sockets.delete(s);
        held.delete(s);
      }
    };
    inbound.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    inbound.pause();
    upstream.connect(targetPort, '127.0.0.1', () => {
      forward(inbound, upstream);
      forward(upstream, inbound);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
      held.clear();
    },
    heal: () => {
      open = true;
    },
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const [to, chunks] of held) for (const c of chunks) to.write(c);
      held.clear();
    },
    close: async () => {
      open = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------- a server that records requests

/** An HTTP server that answers 200 to anything and records each request it got (a "key server"). */
export interface Recorder {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const { createServer: createHttpServer } = await import('node:http');
  const hits: string[] = [];
  const server = createHttpServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` until it returns true (bounded); for recoveries that take a reconnect. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(100);
  }
}
