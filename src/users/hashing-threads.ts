import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import pLimit, { type LimitFunction } from 'p-limit';

/**
 * How many argon2 computations run at once: one core fewer than the process may use, at least one. Each
 * takes a core for its whole length; on a machine of one or two cores, more at once would leave the event
 * loop, and every other request with it, waiting for a core. Queued logins wait a little longer; logins per
 * CPU-second are the same.
 */
export function hashingConcurrency(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/**
 * How much lower than the event loop a hashing thread runs (a nice value, Linux only). A login's argon2id
 * takes a core for a whole hash; at the same priority, a thread that wakes for one shares the core with
 * the event loop, and on a machine of one or two cores every other request then waits its turn behind the
 * hash. One nice step lower, the scheduler lets the event loop run first whenever it has work. The hash
 * still gets every cycle the event loop does not use.
 */
export const HASHING_NICE = 10;

/** What a hashing thread runs: argon2 itself, synchronously, on its own thread. CommonJS, evaluated. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
if (process.platform === 'linux') {
  // On Linux the calling thread alone; elsewhere 0 would mean the whole process, so it is left alone.
  try { require('node:os').setPriority(workerData.nice); } catch {}
}
const argon2 = require(workerData.argon2);
parentPort.on('message', ({ op, args }) => {
  try {
    const value =
      op === 'hash'
        ? argon2.hashSync(args[0], { ...args[1], algorithm: argon2.Algorithm.Argon2id })
        : argon2.verifySync(args[0], args[1]);
    parentPort.postMessage({ value });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

/** argon2id's cost parameters, as the PHC string records them. */
export interface Argon2idParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** A hash is always argon2id; a verification follows the algorithm its PHC string names. */
export type HashingJob =
  { op: 'hash'; args: [string, Argon2idParams] } | { op: 'verify'; args: [string, string] };

/**
 * A computation whose thread ended before answering (stopped at shutdown, or crashed): the service's own
 * failure, never an answer about the password.
 */
export class HashingThreadEnded extends Error {}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** One thread: one job at a time, handed to it only while it is idle. */
class HashingThread {
  private readonly worker: Worker;
  private pending?: Pending;
  gone = false;

  constructor(argon2Path: string, nice: number, onGone: (thread: HashingThread) => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { argon2: argon2Path, nice } });
    // An idle thread never keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (answer: { value?: unknown; error?: string }) => {
      const pending = this.pending;
      this.pending = undefined;
      if (answer.error !== undefined) pending?.reject(new Error(answer.error));
      else pending?.resolve(answer.value);
    });
    const end = (err: Error) => {
      if (this.gone) return;
      this.gone = true;
      this.pending?.reject(err);
      this.pending = undefined;
      onGone(this);
    };
    this.worker.on('error', (err) => end(new HashingThreadEnded(`hashing thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => end(new HashingThreadEnded(`hashing thread ended (${code})`)));
  }

  run(job: HashingJob): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(job);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * argon2 on threads of its own, started on first use, each running one computation at a time at a lower
 * scheduling priority than the event loop (HASHING_NICE). At most `size` run at once; the others wait their
 * turn. A thread that dies fails its job (HashingThreadEnded), and a new one is started for the next. Once
 * closed, a computation that still arrives runs on a thread that stops after it: none is left behind.
 */
export class HashingThreads {
  private readonly idle: HashingThread[] = [];
  private readonly all = new Set<HashingThread>();
  private readonly argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');
  private readonly limit: LimitFunction;
  private closed = false;

  constructor(
    /** At most this many computations at once. */
    readonly capacity = hashingConcurrency(),
    private readonly nice = HASHING_NICE,
  ) {
    this.limit = pLimit(capacity);
  }

  run(job: HashingJob): Promise<unknown> {
    return this.limit(() => this.runNow(job));
  }

  /** Threads running now (for tests and shutdown). */
  get size(): number {
    return this.all.size;
  }

  /** Threads in the middle of a computation now. */
  get busy(): number {
    return this.all.size - this.idle.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.stop()));
  }

  private async runNow(job: HashingJob): Promise<unknown> {
    const thread = this.idle.pop() ?? this.start();
    try {
      return await thread.run(job);
    } finally {
      if (this.closed) {
        this.all.delete(thread);
        if (!thread.gone) await thread.stop();
      } else if (!thread.gone) this.idle.push(thread);
    }
  }

  private start(): HashingThread {
    const thread = new HashingThread(this.argon2Path, this.nice, (gone) => {
      this.all.delete(gone);
      const at = this.idle.indexOf(gone);
      if (at >= 0) this.idle.splice(at, 1);
    });
    this.all.add(thread);
    return thread;
  }
}
