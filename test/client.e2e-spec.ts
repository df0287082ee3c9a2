import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIamClient } from '../client/iam-client.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, useTestApp } from './support/harness.js';

const GENERATED = 'client/generated';

// `npm test` alone works: the types come from this very app's document when they are missing or
// stale. The typecheck against them runs in `npm run lint:openapi` (tsconfig.client.json).
async function refreshGeneratedTypes(document: unknown): Promise<void> {
  const types =
    '// Generated from the OpenAPI document by scripts/generate-client.mjs. Do not edit.\n\n' +
    astToString(
      // As scripts/generate-client.mjs: a field with a default stays optional.
      await openapiTS(document as Parameters<typeof openapiTS>[0], { defaultNonNullable: false }),
    );
  const file = join(GENERATED, 'schema.d.ts');
  if (existsSync(file) && readFileSync(file, 'utf8') === types) return;
  mkdirSync(GENERATED, { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, types);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

describe('typed client (openapi-fetch on the generated types)', () => {
  const t = useTestApp();
  let client: ReturnType<typeof createIamClient>;
  let token = '';
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const roleName = `client_role_${Date.now().toString(36)}`;
  const username = `client.user.${Date.now().toString(36)}`;
  let userId = 0;

  beforeAll(async () => {
    const doc = await t.http().get('/docs-json').expect(200);
    await refreshGeneratedTypes(doc.body);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = createIamClient({ baseUrl: await t.app.getUrl() });
  });

  it('logs in: 200 with a bearer token; a wrong password is 401 INVALID_CREDENTIALS', async () => {
    const wrong = await client.POST('/auth/api/login', {
      body: { username: ADMIN_USERNAME, password: 'Not-The-Passw0rd' },
    });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error?.code).toBe('INVALID_CREDENTIALS');

    const { data, error, response } = await client.POST('/auth/api/login', {
      body: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    });
    expect(response.status, JSON.stringify(error)).toBe(200);
    // The administrator has no second factor: the answer is a session, not an MFA challenge.
    if (!data || !('accessToken' in data)) throw new Error(`no session: ${JSON.stringify(data)}`);
    expect(data.tokenType).toBe('Bearer');
    expect(data.user.username).toBe(ADMIN_USERNAME);
    token = data.accessToken;
  });

  it('creates a role: 201 with the role; the same name again is 409 ROLE_EXISTS', async () => {
    const body = {
      name: roleName,
      displayName: 'Client role',
      description: 'Made through the typed client',
      permissions: ['portfolio_data', 'health_monitor_data'],
    };
    const created = await client.POST('/auth/api/roles', { body, headers: auth() });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    expect(created.data!.name).toBe(roleName);
    expect(created.data!.permissions).toEqual(['portfolio_data', 'health_monitor_data']);
    expect(created.data!.userCount).toBe(0);

    const again = await client.POST('/auth/api/roles', { body, headers: auth() });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe('ROLE_EXISTS');
  });

  it('creates a user with that role: 201 with the user view; a weak password is 400 WEAK_PASSWORD', async () => {
    const weak = await client.POST('/auth/api/users', {
      body: {
        username: `${username}.weak`,
        email: `weak.${username}@example.test`,
        password: 'short',
        role: roleName,
      },
      headers: auth(),
    });
    expect(weak.response.status).toBe(400);
    expect(weak.error?.code).toMatch(/^(WEAK_PASSWORD|VALIDATION_FAILED)$/);

    const { data, error, response } = await client.POST('/auth/api/users', {
      body: { username, email: `${username}@example.test`, password: 'Tangerine-Rocket-88', role: roleName },
      headers: auth(),
    });
    expect(response.status, JSON.stringify(error)).toBe(201);
    expect(data!.user).toMatchObject({ username, role: roleName, isActive: true, isApiUser: false });
    expect(data!.apiToken).toBeUndefined();
    userId = data!.user.id;
  });

  it('lists users, filtered and paged: 200; without a token 401 UNAUTHENTICATED', async () => {
    const { data, error, response } = await client.GET('/auth/api/users', {
      params: { query: { role: roleName, sort: 'username', order: 'asc', page: 1, pageSize: 10 } },
      headers: auth(),
    });
    expect(response.status, JSON.stringify(error)).toBe(200);
    expect(data!.total).toBe(1);
    expect(data!.items.map((u) => u.id)).toEqual([userId]);
    expect(data!.page).toBe(1);
    expect(data!.pageSize).toBe(10);

    const anonymous = await client.GET('/auth/api/users', {});
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.code).toBe('UNAUTHENTICATED');
  });

  it('reads the audit log: the role and the user created above, newest first; the chain holds', async () => {
    await t.flushAudit();
    const { data, error, response } = await client.GET('/auth/api/audit', {
      params: { query: { actor: ADMIN_USERNAME, limit: 50 } },
      headers: auth(),
    });
    expect(response.status, JSON.stringify(error)).toBe(200);
    const at = (action: string, targetType: string, targetId: string) =>
      data!.items.findIndex(
        (e) => e.action === action && e.targetType === targetType && e.targetId === targetId,
      );
    const userCreated = at('user.created', 'user', String(userId));
    expect(userCreated).toBeGreaterThanOrEqual(0);
    expect(data!.items[userCreated].actorUsername).toBe(ADMIN_USERNAME);
    expect(at('role.created', 'role', roleName)).toBeGreaterThan(userCreated);

    const verify = await client.GET('/auth/api/audit/verify', { headers: auth() });
    expect(verify.response.status).toBe(200);
    expect(verify.data!.ok).toBe(true);
    expect(verify.data!.firstBrokenId).toBeNull();

    const badFilter = await client.GET('/auth/api/audit', {
      params: { query: { limit: 100_000 } },
      headers: auth(),
    });
    expect(badFilter.response.status).toBe(400);
    expect(badFilter.error?.code).toBe('VALIDATION_FAILED');
  });
});
