import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

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
    this.worker.on('error', end);
    this.worker.on('exit', (code) => end(new Error(`hashing thread ended (${code})`)));
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
 * scheduling priority than the event loop (HASHING_NICE). The caller bounds how many run at once; a thread
 * that dies fails its job, and a new one is started for the next.
 */
export class HashingThreads {
  private readonly idle: HashingThread[] = [];
  private readonly all = new Set<HashingThread>();
  private readonly argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');

  constructor(private readonly nice = HASHING_NICE) {}

  async run(job: HashingJob): Promise<unknown> {
    const thread = this.idle.pop() ?? this.start();
    try {
      return await thread.run(job);
    } finally {
      if (!thread.gone) this.idle.push(thread);
    }
  }

  /** Threads running now (for tests and shutdown). */
  get size(): number {
    return this.all.size;
  }

  async close(): Promise<void> {
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.stop()));
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
