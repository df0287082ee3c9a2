import { expect } from 'vitest';
import type { Response } from 'supertest';
import { bearer, type TestApp } from './harness.js';

export const USERS = '/auth/api/users';

/** The fields of a user as every answer shows it, and nothing else. */
export const USER_VIEW_KEYS = [
  'apiTokenExpiresAt',
  'apiTokenLastUsedAt',
  'apiTokenStatus',
  'createdAt',
  'email',
  'id',
  'isActive',
  'isApiUser',
  'lastLoginAt',
  'mfaEnabled',
  'mustChangePassword',
  'previousTokenLastUsedAt',
  'previousTokenValidUntil',
  'role',
  'roleDisplayName',
  'username',
];

/** Asserts the status and the error code of an answer, and shows the body (after `what`) when they differ. */
export function expectError(res: Response, status: number, code: string, what?: string): void {
  const shown = JSON.stringify(res.body);
  expect({ status: res.status, code: res.body?.code }, what ? `${what}: ${shown}` : shown).toEqual({
    status,
    code,
  });
}

export function expectStatus(res: Response, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

let counter = 0;
/** A unique, valid username with a readable prefix. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`.toLowerCase();
}

export interface CreatedUser {
  id: number;
  username: string;
  apiToken?: string;
  body: Record<string, unknown>;
}

/** POST /users as `token`'s holder, with an email made from the username unless one is given; the raw answer. */
export function postUser(t: TestApp, token: string, fields: { username: string } & Record<string, unknown>) {
  return t
    .http()
    .post(USERS)
    .set(bearer(token))
    .send({ email: `${fields.username}@example.test`, ...fields });
}

/** Creates a user through the API as `token`'s holder; fails the test unless it answers 201. */
export async function createUser(
  t: TestApp,
  token: string,
  body: Record<string, unknown> = {},
): Promise<CreatedUser> {
  const username = (body.username as string | undefined) ?? uniqueName();
  const res = await postUser(t, token, {
    username,
    // an API user's role must grant api_access: the starter role does
    role: body.isApiUser ? 'api_user' : 'viewer',
    ...(body.isApiUser ? { apiTokenTtlDays: 30 } : { password: 'MySecure2025Pass!' }),
    ...body,
  });
  expectStatus(res, 201);
  return { id: res.body.user.id, username, apiToken: res.body.apiToken, body: res.body };
}

/** The claims of a JWT, without verifying it. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Audit entries about one user, oldest first. */
export async function auditFor(
  t: TestApp,
  userId: number,
): Promise<{ action: string; target_label: string; details: Record<string, unknown> }[]> {
  return t.dataSource.query(
    `SELECT action, target_label, details FROM audit_events
      WHERE target_type = 'user' AND target_id = $1 ORDER BY id`,
    [String(userId)],
  );
}
