import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { spawnTracked } from './process.js';

/** The built CLI: dist/ as `npm test` builds it, or another build folder (TEST_BUILD_DIR). */
export const CLI_ENTRY = join(process.env.TEST_BUILD_DIR || 'dist', 'src/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command in a process of its own, as an operator would, and waits for it to end. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<CliResult> {
  if (!existsSync(CLI_ENTRY)) {
    throw new Error(`${CLI_ENTRY} is missing: build first (npm test does) or set TEST_BUILD_DIR`);
  }
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [CLI_ENTRY, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    // 'close', not 'exit': by then every byte the command printed has been read.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A command the CLI refuses: exit 1, with every one of `reasons` on stderr. */
export function expectCliRefusal(res: CliResult, ...reasons: string[]): void {
  expect(res.code).toBe(1);
  for (const reason of reasons) expect(res.stderr).toContain(reason);
}
