import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginRequest, me } from './support/auth.js';
import { auditRows, tamper } from './support/audit.js';
import { type Backend, freshCache, freshDatabase } from './support/backends.js';
import { expectCliRefusal, runCli } from './support/cli.js';
import { createUserRow, startTestApp, type TestApp } from './support/harness.js';
import { enrol } from './support/mfa.js';

const STRONG = 'Quartz-Lantern-42';
const TEMPORARY = /^Temporary password(?: for '[a-z0-9._-]+')?: (\S{12})$/m;

function temporaryPasswordIn(stdout: string): string {
  const match = TEMPORARY.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return match![1];
}

// One database for the whole file, driven in order as an operator would: the CLI and the
// service take turns on it (the embedded database admits one process at a time).
describe('admin CLI (npm run cli)', () => {
  let database: Backend;
  let cache: Backend;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  // The environment of a service whose database is unreachable: a command that booted would fail on it.
  const unreachable = () => ({ ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:9/unreachable' });
  const withApp = async <T>(fn: (t: TestApp) => Promise<T>): Promise<T> => {
    const t = await startTestApp({
      database,
      cache,
      env: {
        JWT_SECRET: env.JWT_SECRET,
        AUDIT_HMAC_KEY: env.AUDIT_HMAC_KEY,
        MFA_ENCRYPTION_KEY: env.MFA_ENCRYPTION_KEY,
      },
    });
    try {
      return await fn(t);
    } finally {
      await t.close();
    }
  };
  let rootPassword = '';
  let opsTemporary = '';
  let opsToken = '';
  let rootToken = '';

  beforeAll(async () => {
    database = await freshDatabase();
    cache = await freshCache();
    env = {
      ...database.env,
      ...cache.env,
      JWT_SECRET: randomBytes(32).toString('hex'),
      AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(async () => {
    await database?.dispose();
    await cache?.dispose();
  });

  describe('migrate', () => {
    it('refuses every other command while migrations are pending: exit 1, and says what to do', async () => {
      const res = await cli('create-admin', 'root', 'root@example.test');
      expectCliRefusal(res, 'pending migrations', 'migrate');
      expect(res.stdout).toBe('');
    });

    it('applies the pending migrations (exit 0), then finds none pending', async () => {
      const first = await cli('migrate');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migration\(s\)/);
      expect(first.stdout).toContain('InitialSchema1795219200000');
      const again = await cli('migrate');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('no migration was pending');
    });
  });

  it.each(['reset-password', 'revoke-sessions', 'reset-mfa'])(
    '%s refuses an unknown user: exit 1, USER_NOT_FOUND',
    async (command) => {
      expectCliRefusal(await cli(command, 'nobody'), 'USER_NOT_FOUND');
    },
  );

  describe('create-admin', () => {
    it('creates an administrator with a temporary password, printed once (exit 0)', async () => {
      const res = await cli('create-admin', 'root', 'root@example.test');
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain("Created administrator 'root'");
      rootPassword = temporaryPasswordIn(res.stdout);
      expect(res.stderr).toBe('');
    });

    it('creates one with a chosen password (exit 0), not printing it', async () => {
      const res = await cli('create-admin', 'ops', 'ops@example.test', '--password', STRONG);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain("Created administrator 'ops'");
      expect(res.stdout).not.toContain(STRONG);
    });

    it('refuses a weak password: exit 1, WEAK_PASSWORD with each failed rule', async () => {
      const res = await cli('create-admin', 'weakling', 'weak@example.test', '--password', 'short');
      expectCliRefusal(res, 'WEAK_PASSWORD', 'at least 8 characters');
      expect(res.stdout).toBe('');
    });

    it('refuses a bad username and e-mail by the API rules: exit 1, VALIDATION_FAILED per field', async () => {
      const res = await cli('create-admin', 'Not A Name', 'not-an-email');
      expectCliRefusal(res, 'VALIDATION_FAILED');
      expect(res.stderr).toMatch(/^ {2}username: /m);
      expect(res.stderr).toMatch(/^ {2}email: /m);
    });

    it('refuses a taken username: exit 1, USERNAME_TAKEN', async () => {
      const res = await cli('create-admin', 'root', 'other@example.test');
      expectCliRefusal(res, 'USERNAME_TAKEN');
    });

    it('refuses missing arguments and unknown commands: exit 1 with the reason', async () => {
      const missing = await cli('create-admin');
      expectCliRefusal(missing, "missing required argument 'username'");
      const unknown = await cli('make-coffee');
      expectCliRefusal(unknown, "unknown command 'make-coffee'");
    });
  });

  describe('reset-password', () => {
    it('prints a 12-character temporary password (exit 0)', async () => {
      const res = await cli('reset-password', 'ops');
      expect(res.code, res.stderr).toBe(0);
      opsTemporary = temporaryPasswordIn(res.stdout);
      expect(res.stdout).toContain('must be changed at the next login');
    });
  });

  it('leaves accounts the service logs in with, each temporary password to be changed first; every change audited as cli', async () => {
    await withApp(async (t) => {
      const root = await loginRequest(t, 'root', rootPassword);
      expect(root.status, JSON.stringify(root.body)).toBe(200);
      expect(root.body.mustChangePassword).toBe(true);
      expect(root.body.user.role).toBe('administrator');
      rootToken = root.body.accessToken;

      const old = await loginRequest(t, 'ops', STRONG);
      expect(old.status).toBe(401);
      expect(old.body.code).toBe('INVALID_CREDENTIALS');
      const ops = await loginRequest(t, 'ops', opsTemporary);
      expect(ops.status, JSON.stringify(ops.body)).toBe(200);
      expect(ops.body.mustChangePassword).toBe(true);
      opsToken = ops.body.accessToken;

      const rows = await auditRows(t, `actor_username = 'cli'`);
      const seen = rows.map((r) => `${r.action} ${r.target_label ?? r.target_type}`);
      expect(seen).toEqual(
        expect.arrayContaining([
          'user.created root',
          'user.password_reset root',
          'user.created ops',
          'user.password_reset ops',
        ]),
      );
      expect(rows.every((r) => Number(r.actor_id) === 0)).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(rootPassword);
      expect(JSON.stringify(rows)).not.toContain(opsTemporary);
      expect(JSON.stringify(rows)).not.toContain(STRONG);
    });
  });

  describe('revoke-sessions', () => {
    it("ends the user's sessions (exit 0); their token fails at once, another user's still works", async () => {
      const res = await cli('revoke-sessions', 'ops');
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain("Revoked 1 session(s) of 'ops'");
      await withApp(async (t) => {
        const revoked = await me(t, opsToken);
        expect(revoked.status).toBe(401);
        expect(revoked.body.code).toBe('TOKEN_REVOKED');
        expect((await me(t, rootToken)).status).toBe(200);
        const [entry] = await auditRows(t, `action = 'user.sessions_revoked'`);
        expect(entry.actor_username).toBe('cli');
        expect(entry.target_label).toBe('ops');
        expect(entry.details).toEqual({ revoked: 1 });
      });
    });
  });

  describe('regenerate-token', () => {
    let first = '';
    const tokenIn = (stdout: string) => {
      const lines = stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith("New API token for 'scraper'"));
      expect(at, stdout).toBeGreaterThanOrEqual(0);
      return lines[at + 1].trim();
    };

    it('refuses a bad --grace-hours, a regular user and an unknown one (exit 1)', async () => {
      await withApp(async (t) => {
        await createUserRow(t, { username: 'scraper', role: 'api_user', isApiUser: true });
      });
      for (const bad of ['169', '-1', '1.5', 'day']) {
        // Refused before anything boots: a database that cannot be reached is never tried.
        const res = await runCli(['regenerate-token', 'scraper', '--grace-hours', bad], unreachable());
        expectCliRefusal(res, 'VALIDATION_FAILED', '--grace-hours must be an integer from 0 to 168');
        expect(res.stderr).not.toContain('cli failed');
      }
      const regular = await cli('regenerate-token', 'ops');
      expectCliRefusal(regular, 'NOT_AN_API_USER');
      const unknown = await cli('regenerate-token', 'nobody');
      expectCliRefusal(unknown, 'USER_NOT_FOUND');
    });

    it('prints the new token once; with --grace-hours the old one keeps working, without it fails', async () => {
      const issued = await cli('regenerate-token', 'scraper');
      expect(issued.code, issued.stderr).toBe(0);
      first = tokenIn(issued.stdout);
      const graced = await cli('regenerate-token', 'scraper', '--grace-hours', '2');
      expect(graced.code, graced.stderr).toBe(0);
      expect(graced.stdout).toContain('The previous token keeps working until');
      const second = tokenIn(graced.stdout);
      await withApp(async (t) => {
        expect((await me(t, first)).status).toBe(200);
        expect((await me(t, second)).status).toBe(200);
        const entry = (
          await auditRows(t, `action = 'user.token_regenerated' AND target_label = 'scraper'`)
        ).at(-1)!;
        expect(entry.actor_username).toBe('cli');
        expect(entry.details).toMatchObject({ graceHours: 2 });
        expect(JSON.stringify(entry)).not.toContain(second);
      });
      const plain = await cli('regenerate-token', 'scraper');
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toContain('The previous token no longer works.');
      const third = tokenIn(plain.stdout);
      await withApp(async (t) => {
        expect((await me(t, first)).body.code).toBe('TOKEN_REVOKED');
        expect((await me(t, second)).body.code).toBe('TOKEN_REVOKED');
        expect((await me(t, third)).status).toBe(200);
      });
    });
  });

  describe('reset-mfa', () => {
    it("clears a user's second factor (exit 0): the password alone signs in again; audited as cli", async () => {
      const username = await withApp(async (t) => {
        const user = await createUserRow(t, { username: 'locked_out' });
        await enrol(t, user.username, 'Test-Passw0rd!', Date.now());
        expect((await loginRequest(t, user.username, 'Test-Passw0rd!')).body.mfaRequired).toBe(true);
        return user.username;
      });
      const res = await cli('reset-mfa', username);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`Two-factor sign-in of '${username}' is reset`);
      await withApp(async (t) => {
        const again = await loginRequest(t, username, 'Test-Passw0rd!');
        expect(again.status, JSON.stringify(again.body)).toBe(200);
        expect(again.body.accessToken).toBeDefined();
        expect(again.body.user.mfaEnabled).toBe(false);
        const [entry] = await auditRows(t, `action = 'user.mfa_reset'`);
        expect(entry.actor_username).toBe('cli');
        expect(entry.target_label).toBe(username);
        expect(entry.details).toMatchObject({ wasEnabled: true });
      });
    });
  });

  describe('verify-audit', () => {
    it('reports a chain that holds (exit 0), and puts the check on record', async () => {
      const res = await cli('verify-audit');
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/Audit chain holds: \d+ entries checked/);
    });

    it('checks against a head it printed before: the chain still holds it (exit 0)', async () => {
      const first = await cli('verify-audit');
      const head = /; head (\d+:[0-9a-f]{64})\.$/m.exec(first.stdout)?.[1];
      expect(head, first.stdout).toBeDefined();
      const res = await cli('verify-audit', '--expect-head', head!);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/Audit chain holds: \d+ entries checked; head \d+:[0-9a-f]{64}\./);
      await withApp(async (t) => {
        const checks = await auditRows(t, `action = 'audit.verified'`);
        expect(checks.at(-1)!.details).toMatchObject({ ok: true, expectHead: head });
      });
    });

    it('fails when the kept head is gone or differs: exit 2, and says which', async () => {
      const printed = (await cli('verify-audit')).stdout;
      const [id, hash] = /; head (\d+):([0-9a-f]{64})\.$/m.exec(printed)!.slice(1);
      // A head newer than every entry left: the entries from it on were removed.
      const removed = await cli('verify-audit', '--expect-head', `${Number(id) + 1000}:${hash}`);
      expect(removed.code).toBe(2);
      expect(removed.stderr).toContain(`no longer holds the expected head ${Number(id) + 1000}`);
      // The right entry with another hash: the chain was recomputed since.
      const other = hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const recomputed = await cli('verify-audit', '--expect-head', `${id}:${other}`);
      expect(recomputed.code).toBe(2);
      expect(recomputed.stderr).toContain(`entry ${id} is not the expected head`);
    });

    it('refuses a malformed --expect-head before checking anything: exit 1', async () => {
      const res = await runCli(['verify-audit', '--expect-head', '12:not-a-hash'], unreachable());
      expectCliRefusal(res, 'VALIDATION_FAILED', '--expect-head must be ID:HASH');
      expect(res.stderr).not.toContain('cli failed');
      expect(res.stdout).toBe('');
    });

    it('reports a tampered chain with the broken entry: exit 2', async () => {
      await withApp(async (t) => {
        const [verified] = await auditRows(t, `action = 'audit.verified'`);
        expect(verified.actor_username).toBe('cli');
        expect(verified.outcome).toBe('success');
        const [migrated] = await auditRows(t, `action = 'schema.migrated'`);
        expect(migrated.actor_username).toBe('cli');
        const [victim] = await auditRows(t, `action = 'user.created'`);
        await tamper(t, `UPDATE audit_events SET target_label = 'someone-else' WHERE id = $1`, [victim.id]);
      });
      const res = await cli('verify-audit');
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('does not hold');
      expect(res.stderr).toMatch(/entry \d+ is broken/);
    });
  });
});
