import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCache, freshDatabase, usingPostgres, type Backend } from './support/backends.js';
import { type ServiceProcess, spawnTracked, startServiceProcess } from './support/process.js';

/** The fenced bash blocks of the README section titled `heading`, in order. */
function bashBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
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

// The README's quick start, run as a reader would: a fresh service with a generated admin password.
describe('README quick start', () => {
  let database: Backend;
  let cache: Backend;
  let service: ServiceProcess | undefined;
  let bannerPassword: string;

  beforeAll(async () => {
    database = await freshDatabase();
    cache = await freshCache();
    const keys = usingPostgres
      ? { JWT_SECRET: randomBytes(32).toString('hex'), AUDIT_HMAC_KEY: randomBytes(32).toString('base64') }
      : {};
    service = await startServiceProcess({
      DATABASE_URL: '',
      REDIS_URL: '',
      ...database.env,
      ...cache.env,
      ...keys,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: '',
    });
    const banner = /initial administrator created\n\s+username: admin\n\s+password: (\S+)/.exec(service.output());
    if (!banner) throw new Error(`no password banner in the service's output:\n${service.output()}`);
    bannerPassword = banner[1];
  }, 600_000);

  afterAll(async () => {
    await service?.kill();
    await cache?.dispose();
    await database?.dispose();
  });

  it('runs from top to bottom, and shows what the README says it shows', async () => {
    const blocks = bashBlocks(readFileSync('README.md', 'utf8'), 'Quick start');
    // The first block tells the reader to export the two passwords; the test provides them the same way.
    expect(blocks[0]).toMatch(/export ADMIN_PASSWORD_FROM_BANNER=/);
    const script = blocks.slice(1).join('\n');
    expect(script).toMatch(/^set -euo pipefail$/m);

    const run = await runBash(script, {
      BASE: service!.url,
      ADMIN_PASSWORD_FROM_BANNER: bannerPassword,
      NEW_ADMIN_PASSWORD: 'Quick-Start-Adm1n-Pw',
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
});
