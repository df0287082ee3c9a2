import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// Every process a test starts, until it has ended: killed by PID after each test file
// (test/support/teardown.ts), and when the test process exits, whatever the test did.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a process that is killed at the latest when its test file ends. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

const exitOf = (child: ChildProcess): Promise<Exit> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : // 'close', not 'exit': by then every byte the process wrote has been read.
      new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));

/** How the process ended, or 'late' once `ms` have passed without it ending. */
async function exitWithin(child: ChildProcess, ms: number): Promise<Exit | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([exitOf(child), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILL by PID, and wait until the process is gone. */
export async function killHard(child: ChildProcess): Promise<Exit> {
  const exited = exitOf(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return exited;
}

/** Kills every process a test started and has not ended. */
export async function killTrackedProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => killHard(child)));
}

/** Waits for `condition` on each output chunk; rejects if the process ends first or after `timeoutMs`. */
function waitForOutput<T>(
  child: ChildProcess,
  output: () => string,
  find: (out: string) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      fn();
    };
    const onData = () => {
      const found = find(output());
      if (found !== undefined) done(() => resolve(found));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`process exited with ${code}:\n${output()}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`no expected output within ${timeoutMs} ms:\n${output()}`))),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * Sends a signal and resolves with how the process ended. If it has not ended within `graceMs`,
   * it is killed (the answer then says SIGKILL), so a hung shutdown fails the test instead of hanging it.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
  /** Ends it now, by PID, if it still runs: for `finally`. */
  kill(): Promise<Exit>;
}

/** What `npm start` runs: the service bundled by the build (scripts/bundle-service.mjs). */
export const SERVICE_ENTRY = 'dist/service/main.js';

/** The Node flags `npm start` gives the service (package.json's start script): the processes run as deployed. */
export const START_FLAGS = (
  JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((arg) => arg.startsWith('--'));

/** The built service in a tracked child process, with all it writes to stdout and stderr. */
function spawnService(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawnTracked(process.execPath, [...START_FLAGS, SERVICE_ENTRY], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/**
 * Starts the built service (SERVICE_ENTRY) and resolves once it listens. Two busy cores make a
 * start take many times longer than on an idle machine: the wait is generous, and a process that
 * does not start is killed before the error is thrown.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<ServiceProcess> {
  const { child, output } = spawnService(env);
  let url: string;
  try {
    url = await waitForOutput(
      child,
      output,
      (o) => /listening on (http:\/\/[^\s]+:\d+)/.exec(o)?.[1],
      timeoutMs,
    );
  } catch (err) {
    await killHard(child);
    throw err;
  }
  return {
    child,
    url,
    output,
    stop: async (signal = 'SIGTERM', graceMs = 60_000) => {
      const ended = exitWithin(child, graceMs);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const how = await ended;
      return how === 'late' ? killHard(child) : how;
    },
    kill: () => killHard(child),
  };
}

/** Runs the built service until it ends on its own (a refused start), killing it after `timeoutMs`. */
export async function runServiceToExit(
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<Exit & { output: string }> {
  const { child, output } = spawnService(env);
  try {
    const ended = await exitWithin(child, timeoutMs);
    if (ended === 'late') throw new Error(`the service did not end within ${timeoutMs} ms:\n${output()}`);
    return { ...ended, output: output() };
  } finally {
    await killHard(child);
  }
}
