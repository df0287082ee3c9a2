import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, bearer, useAdmin, useTestApp } from './support/harness.js';
import { postUser, USERS } from './support/users.js';

describe('HTTP hygiene', () => {
  const t = useTestApp();
  const admin = useAdmin(t);
  /** POST as the administrator to a route below /auth/api/users. */
  const onUsers = (path: string) => t.http().post(`${USERS}${path}`).set(bearer(admin.token));

  describe('GET /health/ready names each check and up/down, nothing else', () => {
    it('answers 200 with bare states when everything is up', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.details).toEqual({ database: { status: 'up' }, cache: { status: 'up' } });
    });

    it('keeps the database error out of the 503 body and puts it in the log', async () => {
      const secret = 'database "x" is not currently accepting connections';
      const query = vi.spyOn(t.dataSource, 'query').mockRejectedValue(new Error(secret));
      const warn = vi.spyOn(Logger.prototype, 'warn');
      try {
        const res = await t.http().get('/health/ready');
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
        expect(res.body.checks).toEqual({ database: { status: 'down' }, cache: { status: 'up' } });
        expect(res.text).not.toContain('accepting connections');
        const logged = warn.mock.calls.map((args) => String(args[0]));
        expect(logged.some((line) => line.includes('accepting connections'))).toBe(true);
      } finally {
        query.mockRestore();
        warn.mockRestore();
      }
    });
  });

  describe('Cache-Control: no-store on every /auth/api answer', () => {
    const noStore = (res: { headers: Record<string, string> }) =>
      expect(res.headers['cache-control']).toBe('no-store');

    it('on a login, a created user, a reset password and a regenerated token', async () => {
      noStore(
        await t
          .http()
          .post('/auth/api/login')
          .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD })
          .expect(200),
      );
      const created = await postUser(t, admin.token, {
        username: 'cache.user',
        password: 'Cache-Us3r-Pass!',
        role: 'viewer',
      }).expect(201);
      noStore(created);
      noStore(await onUsers(`/${created.body.user.id}/reset-password`).expect(200));
      const api = await postUser(t, admin.token, {
        username: 'cache.api',
        role: 'administrator',
        isApiUser: true,
        apiTokenTtlDays: 30,
      }).expect(201);
      noStore(api);
      noStore(await onUsers(`/${api.body.user.id}/regenerate-token`).expect(200));
    });

    it('on errors: 400, 401, 404 and an unknown route', async () => {
      noStore(await t.http().post('/auth/api/login').send({}).expect(400));
      noStore(await t.http().get('/auth/api/me').expect(401));
      noStore(await t.http().get('/auth/api/users/999999').set(bearer(admin.token)).expect(404));
      noStore(await t.http().get('/auth/api/no-such-route').expect(404));
    });
  });

  describe('POST /auth/api/login takes application/json only', () => {
    it('refuses a form-encoded body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await t
        .http()
        .post('/auth/api/login')
        .type('form')
        .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.accessToken).toBeUndefined();
    });

    it('refuses text/plain with 415, and takes JSON with a charset', async () => {
      const plain = await t
        .http()
        .post('/auth/api/login')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }));
      expect(plain.status).toBe(415);
      await t
        .http()
        .post('/auth/api/login')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }))
        .expect(200);
    });
  });

  describe('one clear message per validation failure', () => {
    for (const body of ['null', '[]', '"admin"', '42']) {
      it(`answers a JSON ${body} body with one message: the body must be a JSON object`, async () => {
        const res = await t.http().post('/auth/api/login').set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details).toEqual([{ field: 'body', message: 'the body must be a JSON object' }]);
      });
    }

    it('says the same for an array sent to another route', async () => {
      const res = await t.http().post('/auth/api/roles').set(bearer(admin.token)).send([]);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'body', message: 'the body must be a JSON object' }]);
    });

    const noRepeats = (details: { field: string; message: string }[]) =>
      expect(new Set(details.map((d) => `${d.field}: ${d.message}`)).size).toBe(details.length);

    it('says a missing field is required, once, without length rules beside it', async () => {
      const res = await t.http().post('/auth/api/login').send({ username: ADMIN_USERNAME }).expect(400);
      expect(res.body.details).toEqual([{ field: 'password', message: 'password is required' }]);
      const noName = await t
        .http()
        .post('/auth/api/login')
        .send({ username: null, password: 'x' })
        .expect(400);
      expect(noName.body.details).toEqual([{ field: 'username', message: 'username is required' }]);
    });

    it('gives a value of the wrong type its type rule only', async () => {
      const res = await t.http().post('/auth/api/login').send({ username: 42, password: 'x' }).expect(400);
      expect(res.body.details).toEqual([{ field: 'username', message: 'username must be a string' }]);
    });

    it('lists a bad audit date once', async () => {
      const res = await t.http().get('/auth/api/audit?from=yesterday').set(bearer(admin.token)).expect(400);
      expect(res.body.details.length).toBeGreaterThan(0);
      noRepeats(res.body.details);
    });
  });
});
