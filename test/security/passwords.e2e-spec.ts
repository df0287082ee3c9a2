import { readFileSync } from 'node:fs';
import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserEntity } from '../../src/users/user.entity.js';
import { changePassword, LENIENT_LOCKOUT, loginRequest } from '../support/auth.js';
import { bearer, useTestApp } from '../support/harness.js';
import { useWatchedAdmin } from '../support/secrets.js';
import { createUser, expectError, expectStatus, uniqueName, USERS } from '../support/users.js';

const ARGON2_PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** A password of exactly `length` characters that passes every other rule. */
function passwordOf(length: number): string {
  const base = 'Kq7-';
  let out = base;
  const filler = 'zRw3xTv8';
  while (out.length < length) out += filler[out.length % filler.length];
  return out.slice(0, length);
}

describe('security: passwords (ASVS V6.2, V6.4, V11.4)', () => {
  // Many wrong variants of one password are tried here: the lockout has its own suite.
  const t = useTestApp({ env: LENIENT_LOCKOUT });
  const { secrets, admin } = useWatchedAdmin(t);

  const createWith = (password: string, username = uniqueName('pw')) => {
    secrets.add(password);
    return t
      .http()
      .post(USERS)
      .set(bearer(admin.token))
      .send({ username, email: `${username}@example.test`, role: 'viewer', password });
  };

  const hashOf = async (id: number) =>
    (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id })).passwordHash!;

  const login = async (username: string, password: string) =>
    secrets.fromAnswer(await loginRequest(t, username, password));

  /** A 400 WEAK_PASSWORD that names `rule` among the password's details. */
  const expectWeak = (res: Response, rule: string) => {
    expectError(res, 400, 'WEAK_PASSWORD');
    expect(res.body.details).toContainEqual({ field: 'password', message: rule });
  };

  it('V6.2.1 refuses a password of 7 characters (400 WEAK_PASSWORD)', async () => {
    expectWeak(await createWith(passwordOf(7)), 'password must be at least 8 characters');
  });

  it('V6.2.9 accepts a password of 128 characters, and logs in with it', async () => {
    const password = passwordOf(128);
    const username = uniqueName('pw');
    expectStatus(await createWith(password, username), 201);
    expectStatus(await login(username, password), 200);
  });

  it('V6.2.1 refuses a password of 129 characters (400 WEAK_PASSWORD), and so does a password change', async () => {
    expectWeak(await createWith(passwordOf(129)), 'password must be at most 128 characters');
    const username = uniqueName('pw');
    const current = passwordOf(20);
    expectStatus(await createWith(current, username), 201);
    const token = (await login(username, current)).body.accessToken as string;
    const change = await changePassword(t, token, { currentPassword: current, newPassword: passwordOf(7) });
    expectError(change, 400, 'WEAK_PASSWORD');
  });

  it.each(['Password1', 'Passw0rd', 'Qwerty123', 'Welcome1', 'Password123', 'P4ssw0rd'])(
    'V6.2.4 refuses the common password %s in any case (400 WEAK_PASSWORD, "is too common")',
    async (common) => {
      for (const variant of [common, common.toUpperCase().replace(/^./, (c) => c.toLowerCase())]) {
        expectWeak(await createWith(variant), 'password is too common');
      }
    },
  );

  it('V6.2.11 refuses a password containing the username (400 WEAK_PASSWORD)', async () => {
    const username = uniqueName('pw');
    const res = await createWith(`X9${username.toUpperCase()}y`, username);
    expectError(res, 400, 'WEAK_PASSWORD');
  });

  describe('V6.2.8 the password is verified exactly as typed', () => {
    // Long enough to reach past bcrypt's 72-byte cut, with spaces inside and at both ends.
    const password = ` ${passwordOf(90)} Mixed Case tail 7 `;
    const username = uniqueName('exact');

    beforeAll(async () => {
      expectStatus(await createWith(password, username), 201);
    });

    it('accepts the password as typed', async () => {
      expectStatus(await login(username, password), 200);
    });

    it.each([
      ['its last character changed', password.slice(0, -2) + 'X '],
      ['a character appended', password + 'x'],
      ['the last character removed', password.slice(0, -1)],
      ['cut to 72 characters', password.slice(0, 72)],
      ['trimmed', password.trim()],
      ['upper-cased', password.toUpperCase()],
      ['lower-cased', password.toLowerCase()],
      [
        'with its case swapped',
        [...password].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join(''),
      ],
      ['Unicode-normalised to a look-alike', password.replace('K', '\u212A')],
    ])('refuses it %s (401 INVALID_CREDENTIALS)', async (_what, variant) => {
      expect(variant).not.toBe(password);
      expectError(await login(username, variant), 401, 'INVALID_CREDENTIALS');
    });
  });

  it('V11.4.2 stores argon2id with m ≥ 19456 KiB and t ≥ 2, salted per user', async () => {
    const password = passwordOf(24);
    const a = await createUser(t, admin.token, { password });
    const b = await createUser(t, admin.token, { password });
    const [ha, hb] = [await hashOf(a.id), await hashOf(b.id)];
    for (const h of [ha, hb]) {
      const m = ARGON2_PHC.exec(h);
      expect(m, h.slice(0, 40)).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
      expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    }
    // The same password, two salts: two different hashes.
    expect(ha).not.toBe(hb);
    expect(ha.includes(password)).toBe(false);
  });

  describe('V6.2.3 a password change needs the current password', () => {
    const current = passwordOf(30);
    const next = `N3w-${passwordOf(26)}`;
    const username = uniqueName('chg');
    let token: string;

    beforeAll(async () => {
      expectStatus(await createWith(current, username), 201);
      secrets.add(next);
      token = (await login(username, current)).body.accessToken as string;
    });

    const change = (body: Record<string, unknown>) => changePassword(t, token, body);

    it('refuses a wrong current password (401 INVALID_CREDENTIALS), and changes nothing', async () => {
      const id = (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ username })).id;
      const before = await hashOf(id);
      expectError(
        await change({ currentPassword: `${current}x`, newPassword: next }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(await hashOf(id)).toBe(before);
    });

    it('refuses a missing or empty current password (400 VALIDATION_FAILED)', async () => {
      expectError(await change({ newPassword: next }), 400, 'VALIDATION_FAILED');
      expectError(await change({ currentPassword: '', newPassword: next }), 400, 'VALIDATION_FAILED');
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await changePassword(t, undefined, { currentPassword: current, newPassword: next });
      expectError(res, 401, 'UNAUTHENTICATED');
    });

    it('changes it with the right one (204): the old password fails, the new one works', async () => {
      expectStatus(await change({ currentPassword: current, newPassword: next }), 204);
      expectError(await login(username, current), 401, 'INVALID_CREDENTIALS');
      expectStatus(await login(username, next), 200);
    });
  });

  describe('V6.4.1 an administrator reset gives a random temporary password that must be changed', () => {
    it('is 12 characters from the CSPRNG, follows the policy, differs every time, and is shown once', async () => {
      const user = await createUser(t, admin.token);
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const res = await t.http().post(`${USERS}/${user.id}/reset-password`).set(bearer(admin.token));
        expectStatus(res, 200);
        const temporary = res.body.temporaryPassword as string;
        secrets.add(temporary);
        expect(Object.keys(res.body)).toEqual(['temporaryPassword']);
        expect(temporary).toHaveLength(12);
        expect(temporary).toMatch(/\p{Ll}/u);
        expect(temporary).toMatch(/\p{Lu}/u);
        expect(temporary).toMatch(/\p{Nd}/u);
        seen.add(temporary);
        expect(await hashOf(user.id)).toMatch(ARGON2_PHC);
      }
      expect(seen.size).toBe(12);
      // The generator draws from node:crypto, never from Math.random.
      const source = readFileSync(new URL('../../src/users/password-generator.ts', import.meta.url), 'utf8');
      expect(source).toMatch(/from 'node:crypto'/);
      expect(source).not.toMatch(/Math\.random/);
    });

    it('lets the user in only to change it (403 PASSWORD_CHANGE_REQUIRED), then never again', async () => {
      const user = await createUser(t, admin.token);
      const res = await t.http().post(`${USERS}/${user.id}/reset-password`).set(bearer(admin.token));
      expectStatus(res, 200);
      const temporary = res.body.temporaryPassword as string;
      secrets.add(temporary);

      const first = await login(user.username, temporary);
      expectStatus(first, 200);
      expect(first.body.mustChangePassword).toBe(true);
      const session = first.body.accessToken as string;
      const confined = await t.http().get('/auth/api/roles').set(bearer(session));
      expectError(confined, 403, 'PASSWORD_CHANGE_REQUIRED');

      // The temporary password cannot become the long-term one.
      const same = await changePassword(t, session, { currentPassword: temporary, newPassword: temporary });
      expectError(same, 400, 'WEAK_PASSWORD');

      const chosen = `Own-${passwordOf(20)}`;
      secrets.add(chosen);
      expectStatus(
        await changePassword(t, session, { currentPassword: temporary, newPassword: chosen }),
        204,
      );
      const me = await t.http().get('/auth/api/me').set(bearer(session));
      expectStatus(me, 200);
      expect(me.body.user.mustChangePassword).toBe(false);
      expectError(await login(user.username, temporary), 401, 'INVALID_CREDENTIALS');
      expectStatus(await login(user.username, chosen), 200);
    });
  });

  it('V16.2.5 left no password, hash or token in any log line or audit entry', async () => {
    expect(secrets.size).toBeGreaterThan(20);
    await secrets.expectAbsent(t);
  });
});
