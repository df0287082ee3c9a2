import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/common/errors/error-codes.js';
import { ONE_TIME_CODE_OPERATIONS } from '../src/openapi-examples.js';
import { adminToken, bearer, useTestApp } from './support/harness.js';

interface Example {
  summary?: string;
  value: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: { in: string; name: string; example?: unknown; schema?: { example?: unknown } }[];
  requestBody?: { content: Record<string, { examples?: Record<string, Example>; example?: unknown }> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { examples?: Record<string, Example> }> }
  >;
}
interface Call {
  method: string;
  path: string;
  op: Operation;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// The order in which a newcomer would follow the docs: a role before the users who hold it, a user
// before he logs in, his session before he changes his password and sets up an authenticator (his session
// ends when he is deactivated). Anything else comes after, by path.
const ORDER = [
  'createRole',
  'createUser',
  'login',
  'changeOwnPassword',
  'setupTotp',
  'updateUser',
  'updateRole',
];

describe('OpenAPI document: examples a newcomer can send as they are', () => {
  const t = useTestApp();
  let admin: string;
  let calls: Call[];
  beforeAll(async () => {
    admin = (await adminToken(t)).token;
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    };
    calls = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => (item[method] ? [{ method, path, op: item[method] }] : [])),
    );
  });

  it('gives no query parameter an example that Try it out would send', () => {
    const sent = calls.flatMap(({ op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'query' && (p.example !== undefined || p.schema?.example !== undefined))
        .map((p) => `${op.operationId}?${p.name}`),
    );
    expect(sent).toEqual([]);
  });

  it('shows for every error status bodies whose code that status really answers', () => {
    const wrong: string[] = [];
    for (const { op } of calls) {
      for (const [status, row] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const examples = Object.values(row.content?.['application/json']?.examples ?? {});
        if (examples.length === 0) wrong.push(`${op.operationId} ${status}: no example`);
        for (const { value } of examples) {
          const code = value.code as keyof typeof ERROR_STATUS;
          if (ERROR_STATUS[code] !== Number(status) || value.statusCode !== Number(status)) {
            wrong.push(`${op.operationId} ${status}: ${String(code)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('describes every response row', () => {
    const bare = calls.flatMap(({ op }) =>
      Object.entries(op.responses)
        .filter(([, row]) => !row.description?.trim())
        .map(([status]) => `${op.operationId} ${status}`),
    );
    expect(bare).toEqual([]);
  });

  it("names createUser's examples for the docs' cases", () => {
    const create = calls.find((c) => c.op.operationId === 'createUser')!;
    const examples = create.op.requestBody!.content['application/json'].examples!;
    expect(examples['Regular user'].value).toMatchObject({ username: 'john.doe', role: 'process_analyst' });
    expect(examples['API user'].value).toMatchObject({
      username: 'prometheus_scraper',
      role: 'api_user',
      isApiUser: true,
      apiTokenTtlDays: 90,
    });
  });

  it('replays every request-body example against a fresh service and gets the documented success', async () => {
    // The docs' API user holds the starter role api_user; a service that predates it gets it here.
    const starter = await t.http().get('/auth/api/roles/api_user').set(bearer(admin));
    if (starter.status === 404) {
      await t
        .http()
        .post('/auth/api/roles')
        .set(bearer(admin))
        .send({
          name: 'api_user',
          displayName: 'API User',
          permissions: ['api_access', 'health_monitor_data'],
        })
        .expect(201);
    }
    const withBody = calls.filter((c) => c.op.requestBody);
    const rank = (c: Call) =>
      ORDER.includes(c.op.operationId) ? ORDER.indexOf(c.op.operationId) : ORDER.length;
    withBody.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));

    const ids: Record<string, string> = {};
    let session: string | undefined;
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { method, path, op } of withBody) {
      const examples = op.requestBody!.content['application/json']?.examples ?? {};
      expect(Object.keys(examples), `${op.operationId} has no request-body example`).not.toHaveLength(0);
      // A code from an authenticator app is good for 30 seconds: such an example shows the shape only.
      if (ONE_TIME_CODE_OPERATIONS.includes(op.operationId)) continue;
      const success = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
      for (const [name, { value }] of Object.entries(examples)) {
        // A token is regenerated for the docs' API user; every other {id} is john.doe.
        const forApiUser = op.operationId === 'regenerateUserToken';
        const url = path.replace(/\{(\w+)\}/g, (_, param: string) => {
          const id = forApiUser && param === 'id' ? ids.apiUserId : ids[param];
          if (!id) throw new Error(`no ${param} known for ${op.operationId}`);
          return encodeURIComponent(id);
        });
        // Calls about "me" are made by the user who logged in through the login example.
        const token = path.includes('/me') ? session : admin;
        const req = t.http()[method as 'post'](url).set('Content-Type', 'application/json');
        const res = await (token ? req.set(bearer(token)) : req).send(value);
        outcomes.push(
          `${op.operationId} "${name}": ${res.status}${res.status >= 400 ? ` ${res.body.code}` : ''}`,
        );
        expected.push(`${op.operationId} "${name}": ${success}`);
        if (op.operationId === 'createUser' && value.username === 'john.doe')
          ids.id = String(res.body.user?.id);
        if (op.operationId === 'createUser' && value.isApiUser) ids.apiUserId = String(res.body.user?.id);
        if (op.operationId === 'createRole') ids.name = String(res.body.name);
        if (op.operationId === 'login' && res.body.accessToken) session = res.body.accessToken as string;
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
