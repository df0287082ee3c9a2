import fc from 'fast-check';
import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { CacheKeys } from '../../src/cache/cache-keys.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { adminToken, bearer, sessionTokenFor, useTestApp } from '../support/harness.js';
import { expectErrorShape, expectNoLeak } from '../support/answers.js';
import { label, type Operation, operationsOf } from '../support/openapi.js';
import { expectError } from '../support/users.js';

/**
 * Property-based requests against every route of the OpenAPI document:
 * whatever the body, query, path and headers, the answer is never a 5xx,
 * an error always has the contract's shape, nothing leaks, and no failure
 * is one the code did not expect (an "Unhandled error" in the log).
 *
 * FUZZ_RUNS sets the cases per route (default 150); FUZZ_SECONDS the time
 * cap for the whole file (default 75); FUZZ_SEED and FUZZ_ROUTE replay a
 * reported failure.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 75) * 1000;
/** To replay a failure: the seed it reports, and part of the route's label (e.g. "GET /metrics"). */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const ONLY = process.env.FUZZ_ROUTE;

// ------------------------------------------------------------ arbitraries

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '%00',
  '%',
  '_',
  '\\',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  '$where',
  '{"$gt":""}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '\u202e',
  'x'.repeat(300),
  'é'.repeat(129),
  '-1',
  '0',
  '1',
  '1.5',
  '1e309',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  'true',
  'null',
  'administrator',
  'viewer',
  'admin',
  'full_access',
  'MySecure2025Pass!',
  '2026-01-01',
  '2026-01-01T00:00:00Z',
  'eyJhbGciOiJub25lIn0.e30.',
);

const text = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 400 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(text, text, { maxKeys: 3 }) },
);

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates included), so every URL is well formed. */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');

// Nested far past any DTO: the validation must refuse it, not overflow the stack.
const deepBody = fc.constantFrom(
  { raw: `${'['.repeat(5_000)}${']'.repeat(5_000)}` },
  { raw: `${'['.repeat(100_000)}${']'.repeat(100_000)}` },
  { raw: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}` },
);

function bodyFor(op: Operation): fc.Arbitrary<unknown> {
  const keys = fc.constantFrom(...op.bodyProperties, 'id', 'isSystem', '__proto__', 'constructor', 'x');
  return fc.oneof(
    { weight: 5, arbitrary: fc.dictionary(keys, value, { maxKeys: 6 }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => ({ raw: s })) },
    // Only where a body is read: a server may close the connection on a large body it never reads.
    { weight: op.hasBody ? 1 : 0, arbitrary: deepBody },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function queryFor(op: Operation): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 4, arbitrary: op.queryParams.length ? fc.constantFrom(...op.queryParams) : fc.constant('q') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'page[]', 'search[a]', 'x', 'access_token'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const pair = fc.tuple(key, text).map(([k, v]) => `${pct(k)}=${pct(v)}`);
  return fc.array(pair, { maxLength: 5 }).map((pairs) => pairs.join('&'));
}

function pathFor(op: Operation): fc.Arbitrary<string> {
  const param = fc.oneof(
    { weight: 3, arbitrary: text },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 2_000_000_000 }).map(String) },
    { weight: 1, arbitrary: fc.nat(50).map(String) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
  );
  const encoded = fc
    .array(param, { minLength: op.pathParams.length, maxLength: op.pathParams.length })
    .map((values) => {
      let i = 0;
      // An empty segment would name another route: keep one character.
      return op.path.replace(/\{\w+\}/g, () => pct(values[i++] || '_'));
    });
  if (op.pathParams.length === 0) return encoded;
  // Now and then a segment the router itself refuses: a malformed escape, or longer than it takes.
  const raw = fc
    .constantFrom('%E0%A4%A', '%zz', '%', '%C0%AF', 'x'.repeat(250), '%00'.repeat(90))
    .map((r) => op.path.replace(/\{\w+\}/g, r));
  return fc.oneof({ weight: 9, arbitrary: encoded }, { weight: 1, arbitrary: raw });
}

const HEADER_NAMES = [
  'Content-Type',
  'Accept',
  'X-Forwarded-For',
  'X-Request-Id',
  'User-Agent',
  'Accept-Language',
  'Origin',
  'Cookie',
  'X-Api-Key',
  'If-None-Match',
  'X-HTTP-Method-Override',
];
const headerValue = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '*/*',
    'DELETE',
    '127.0.0.1, 10.0.0.1',
    '::1',
    'not-an-ip',
  ),
  printable,
);
const headersArb = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 4 });

type Auth = 'admin' | 'none' | 'garbage' | 'tampered';
const authArb = fc.constantFrom<Auth>('admin', 'admin', 'admin', 'none', 'garbage', 'tampered');

interface Case {
  path: string;
  query: string;
  body: unknown;
  headers: Record<string, string>;
  auth: Auth;
}

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Everything the case sent, as the server may repeat it in an error message. */
const echoOf = (c: Case) => `${JSON.stringify(c)} ${decoded(c.path)} ${decoded(c.query)}`;

// ------------------------------------------------------------ the suite

describe('fuzz: every route of the OpenAPI document', () => {
  const t = useTestApp({
    env: { LOCKOUT_THRESHOLD_PER_ADDRESS: '1000', LOCKOUT_THRESHOLD_PER_USER: '10000' },
  });
  let ops: Operation[];
  let adminId: number;
  let token: string;
  let started: number;

  beforeAll(async () => {
    ({ userId: adminId, token } = await adminToken(t));
    ops = await operationsOf(t);
    started = Date.now();
  });

  /** Puts the acting administrator back when a case ended its session or changed its account. */
  async function repairActor(): Promise<void> {
    await t.dataSource
      .getRepository(UserEntity)
      .update(adminId, { isActive: true, mustChangePassword: false, roleName: 'administrator' });
    await t.cache.del(CacheKeys.user(adminId));
    token = await sessionTokenFor(t, adminId);
  }

  async function send(op: Operation, c: Case): Promise<Response> {
    const url = c.query ? `${c.path}?${c.query}` : c.path;
    const req = t.http()[op.method](url);
    for (const [k, v] of Object.entries(c.headers)) req.set(k, v);
    if (c.auth === 'admin') req.set(bearer(token));
    if (c.auth === 'garbage') req.set('Authorization', `Bearer ${c.path}`);
    if (c.auth === 'tampered') req.set(bearer(`${token.slice(0, -3)}abc`));
    if (c.body !== undefined) {
      const raw = (c.body as { raw?: unknown })?.raw;
      if (typeof raw === 'string') {
        if (!c.headers['Content-Type']) req.set('Content-Type', 'application/json');
        req.send(raw);
      } else {
        req.set('Content-Type', c.headers['Content-Type'] ?? 'application/json').send(JSON.stringify(c.body));
      }
    }
    return req;
  }

  // An error-level line is a failure the code did not expect (the filter logs those with their stack).
  const isError = (line: string) => /"level":(50|60)\b/.test(line);
  const unhandled = () => t.logs.filter(isError).length;

  /** Asserts one answer by the suite's rules, and that nothing was logged at error level for it. */
  async function expectClean(res: Response, before: number, what: string, sent = ''): Promise<void> {
    expect(res.status, `${what}: ${res.status} ${res.text?.slice(0, 200)}`).toBeLessThan(500);
    if (res.status >= 400) expectErrorShape(res);
    expectNoLeak(res, what, sent);
    expect(t.logs.filter(isError).slice(before), what).toEqual([]);
  }

  it('refuses the inputs that once reached the database or overflowed the stack with 400 VALIDATION_FAILED', async () => {
    // U+0000 in every documented query parameter and body property (PostgreSQL text cannot hold it).
    for (const op of ops) {
      const path = op.path.replace(/\{\w+\}/g, '1');
      for (const q of op.queryParams) {
        const before = t.logs.filter(isError).length;
        const res = await send(op, {
          path,
          query: `${q}=a%00b`,
          body: undefined,
          headers: {},
          auth: 'admin',
        });
        await expectClean(res, before, `${label(op)} ?${q}=NUL`);
        if (!op.isPublic) expect(res.body.code, `${label(op)} ?${q}`).toBe('VALIDATION_FAILED');
      }
      for (const property of op.bodyProperties) {
        const before = t.logs.filter(isError).length;
        const body = { [property]: 'a\u0000b' };
        const res = await send(op, { path, query: '', body, headers: {}, auth: 'admin' });
        await expectClean(res, before, `${label(op)} ${property}=NUL`);
        expect(res.body.details, label(op)).toContainEqual({
          field: property,
          message: `${property} must not contain a NUL character`,
        });
      }
      // Half a surrogate pair ("\ud800" in JSON) in every body property: the e-mail validator once threw on it.
      for (const property of op.bodyProperties) {
        const before = t.logs.filter(isError).length;
        const body = { [property]: '\ud800' };
        const res = await send(op, { path, query: '', body, headers: {}, auth: 'admin' });
        await expectClean(res, before, `${label(op)} ${property}=lone surrogate`);
        expect(res.body.details, label(op)).toContainEqual({
          field: property,
          message: `${property} must be well-formed Unicode text`,
        });
      }
      // Nested far deeper than any DTO: a refusal, never a stack overflow.
      if (op.hasBody) {
        for (const deep of [
          `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
          `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}`,
        ]) {
          const before = t.logs.filter(isError).length;
          const res = await send(op, { path, query: '', body: { raw: deep }, headers: {}, auth: 'admin' });
          await expectClean(res, before, `${label(op)} deep body`);
          expectError(res, 400, 'VALIDATION_FAILED');
        }
      }
    }
    await repairActor();
  });

  it('answers a path the router refuses in the error body: a malformed escape or an over-long parameter', async () => {
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      for (const segment of ['%E0%A4%A', 'x'.repeat(250)]) {
        const before = t.logs.filter(isError).length;
        const path = op.path.replace(/\{\w+\}/g, segment);
        const res = await send(op, { path, query: '', body: undefined, headers: {}, auth: 'admin' });
        await expectClean(res, before, `${label(op)} ${segment.slice(0, 12)}`);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.text).not.toContain(segment);
        expect(res.headers['x-request-id']).toBeTruthy();
      }
    }
  });

  it(
    'answers every case without a 5xx, in the error shape, leaking nothing, and expecting every failure',
    async () => {
      expect(ops.length).toBeGreaterThanOrEqual(28);
      const perRoute = Math.max(500, Math.floor(BUDGET_MS / ops.length));
      const stats: string[] = [];
      const failures: string[] = [];
      for (const op of ops.filter((o) => !ONLY || label(o).includes(ONLY))) {
        let runs = 0;
        const arb = fc.record({
          path: pathFor(op),
          query: queryFor(op),
          body: op.hasBody
            ? bodyFor(op)
            : fc.oneof(fc.constant(undefined), fc.constant(undefined), bodyFor(op)),
          headers: headersArb,
          auth: authArb,
        });
        const out = await fc.check(
          fc.asyncProperty(arb, async (c) => {
            runs++;
            const before = unhandled();
            const res = await send(op, c).catch((err: Error) => {
              throw new Error(`${label(op)} ${JSON.stringify(c).slice(0, 600)}: ${err.message}`);
            });
            const where = `${label(op)} ${JSON.stringify(c).slice(0, 600)} -> ${res.status} ${res.text?.slice(0, 300)}`;
            expect(res.status, where).toBeLessThan(500);
            if (res.status >= 400) expectErrorShape(res);
            expectNoLeak(res, where, echoOf(c));
            const newLines = t.logs.filter(isError).slice(before);
            expect(unhandled() - before, `${where}\n${newLines.join('\n').slice(0, 800)}`).toBe(0);
            if (
              c.auth === 'admin' &&
              (res.status === 401 ||
                res.body?.code === 'PASSWORD_CHANGE_REQUIRED' ||
                res.body?.code === 'PERMISSION_DENIED')
            ) {
              await repairActor();
            }
          }),
          { numRuns: RUNS, interruptAfterTimeLimit: perRoute, markInterruptAsFailure: false, seed: SEED },
        );
        stats.push(`${label(op)}: ${runs}`);
        if (out.failed) {
          const error =
            out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
          failures.push(
            `${label(op)} (seed ${out.seed}, path ${out.counterexamplePath}):\n${error.slice(0, 1500)}`,
          );
        }
      }
      // How much was tried, for the record of the run.
      console.log(`fuzz: ${stats.join('; ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    Math.max(120_000, BUDGET_MS * 2),
  );
});
