import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { killHard, spawnTracked } from './process.js';

/** A TCP port nobody listens on right now. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 500, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** A redis-server of the test's own, without persistence, that the test stops and starts. */
export interface OwnRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs one command on it through a short-lived client. */
  command(args: string[]): Promise<unknown>;
  dispose(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), 'ciam-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawnTracked(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = c;
    // Polled, with room for two busy cores; a server that never answers is killed, not left behind.
    for (let i = 0; i < 600; i++) {
      if (await redisAnswers(url)) return;
      if (c.exitCode !== null) break;
      await sleep(50);
    }
    child = undefined;
    await killHard(c);
    throw new Error(`redis-server on port ${port} did not start`);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await killHard(c);
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    command: async (args) => {
      const client = createClient({ url });
      await client.connect();
      try {
        return await client.sendCommand(args);
      } finally {
        client.destroy();
      }
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
