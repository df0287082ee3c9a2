import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freshCache, freshDatabase, usingPostgres } from './support/backends.js';
import { type ServiceProcess, spawnTracked, startServiceProcess } from './support/process.js';

/** The fenced blocks in `lang` of the README section titled `heading`, in order. */
function fencedBlocks(markdown: string, heading: string, lang: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with bash until it ends; a run that hangs is killed and fails the test. */
function runBash(script: string, env: Record<string, string>, timeoutMs = 180_000): Promise<Run> {
  const child = spawnTracked('bash', ['-c', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the quick start did not end within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh service as `npm start` runs it, with a generated admin password, read from its banner. */
async function freshService(): Promise<{
  service: ServiceProcess;
  bannerPassword: string;
  end(): Promise<void>;
}> {
  const database = await freshDatabase();
  const cache = await freshCache();
  const keys: Record<string, string> = usingPostgres
    ? {
        JWT_SECRET: randomBytes(32).toString('hex'),
        AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
        MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }
    : {};
  let service: ServiceProcess | undefined;
  const end = async () => {
    await service?.kill();
    await cache.dispose();
    await database.dispose();
  };
  try {
    service = await startServiceProcess({
      DATABASE_URL: '',
      REDIS_URL: '',
      ...database.env,
      ...cache.env,
      ...keys,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: '',
    });
    const banner = /initial administrator created\n\s+username: admin\n\s+password: (\S+)/.exec(
      service.output(),
    );
    if (!banner) throw new Error(`no password banner in the service's output:\n${service.output()}`);
    return { service, bannerPassword: banner[1], end };
  } catch (err) {
    await end();
    throw err;
  }
}

const NEW_ADMIN_PASSWORD = 'Quick-Start-Adm1n-Pw';

// The README's quick start, run as a reader would, each part against a service of its own.
describe('README quick start', () => {
  const readme = readFileSync('README.md', 'utf8');
  const ends: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const end of ends) await end();
  });

  it('curl: runs from top to bottom, and shows what the README says it shows', async () => {
    const { service, bannerPassword, end } = await freshService();
    ends.push(end);
    const blocks = fencedBlocks(readme, 'Quick start', 'bash');
    // The first block tells the reader to export the two passwords; the test provides them the same way.
    expect(blocks[0]).toMatch(/export ADMIN_PASSWORD_FROM_BANNER=/);
    const script = blocks.slice(1).join('\n');
    expect(script).toMatch(/^set -euo pipefail$/m);

    const run = await runBash(script, {
      BASE: service.url,
      ADMIN_PASSWORD_FROM_BANNER: bannerPassword,
      NEW_ADMIN_PASSWORD,
    });
    const shown = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, shown).toBe(0);
    expect(run.stderr, shown).toBe('');

    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('mustChangePassword: true');
    expect(lines[1]).toMatch(/^john\.doe has id \d+$/);
    const me = JSON.parse(lines[2]);
    expect(me.user).toMatchObject({ username: 'prometheus_scraper', role: 'api_user', isApiUser: true });
    expect([...me.permissions].sort()).toEqual(['api_access', 'health_monitor_data']);
    expect(JSON.parse(lines[3])).toEqual({ revoked: 1 });
    expect(JSON.parse(lines[4])).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(lines).toHaveLength(5);
  }, 600_000);

  it('typed client: the snippet runs as written and logs what its comment says', async () => {
    const { service, bannerPassword, end } = await freshService();
    ends.push(end);
    const [snippet] = fencedBlocks(readme, 'Quick start', 'ts');
    // Written for a module beside client/; run from a folder of its own, it imports the same file.
    const source = snippet.replace(
      "'./client/iam-client.js'",
      JSON.stringify(resolve('client/iam-client.ts')),
    );
    expect(source).not.toBe(snippet);
    const dir = mkdtempSync(join(tmpdir(), 'champa-iam-readme-'));
    const file = join(dir, 'quickstart.ts');
    writeFileSync(file, source);
    const saved = { ...process.env };
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      Object.assign(process.env, {
        BASE: service.url,
        ADMIN_PASSWORD_FROM_BANNER: bannerPassword,
        NEW_ADMIN_PASSWORD,
      });
      await import(file);
      expect(log).toHaveBeenCalledTimes(1);
      const [me, revoked] = log.mock.calls[0];
      expect(me.user).toMatchObject({ username: 'prometheus_scraper', role: 'api_user', isApiUser: true });
      expect([...me.permissions].sort()).toEqual(['api_access', 'health_monitor_data']);
      expect(revoked).toEqual({ revoked: 0 });
    } finally {
      log.mockRestore();
      for (const key of ['BASE', 'ADMIN_PASSWORD_FROM_BANNER', 'NEW_ADMIN_PASSWORD']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      rmSync(dir, { recursive: true, force: true });
    }
    // The password change went through: the new password logs admin in, without a forced change.
    const login = await fetch(`${service.url}/auth/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: NEW_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(false);
  }, 600_000);
});
