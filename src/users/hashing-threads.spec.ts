import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HASHING_NICE, HashingThreadEnded, HashingThreads, hashingConcurrency } from './hashing-threads.js';

// Small parameters: what is checked is where and how the computation runs, not its cost.
const OPTIONS = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** The nice value in a thread's /proc stat line. */
const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);

/** The nice value of each thread of this process (Linux). */
function niceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) =>
    niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')),
  );
}

describe('HashingThreads', () => {
  let threads: HashingThreads;
  afterEach(() => threads?.close());

  it('runs at most one hash per core but one, and at least one', () => {
    expect([1, 2, 4, 8].map((cores) => hashingConcurrency(cores))).toEqual([1, 1, 3, 7]);
  });

  it('hashes and verifies on a thread started on first use', async () => {
    threads = new HashingThreads();
    expect(threads.size).toBe(0);
    const hashed = (await threads.run({ op: 'hash', args: ['right-Passw0rd', OPTIONS] })) as string;
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await threads.run({ op: 'verify', args: [hashed, 'right-Passw0rd'] })).toBe(true);
    expect(await threads.run({ op: 'verify', args: [hashed, 'wrong-Passw0rd'] })).toBe(false);
    expect(threads.size).toBe(1); // one at a time: the same thread served all three
  });

  it('starts one thread per computation running at once, up to its size, and reuses them', async () => {
    threads = new HashingThreads(3);
    const hashed = (await threads.run({ op: 'hash', args: ['pw', OPTIONS] })) as string;
    const three = () => Promise.all([1, 2, 3].map(() => threads.run({ op: 'verify', args: [hashed, 'pw'] })));
    expect(await three()).toEqual([true, true, true]);
    expect(threads.size).toBe(3);
    expect(await three()).toEqual([true, true, true]);
    expect(threads.size).toBe(3);
    // More at once than its size: the others wait their turn, on the same threads.
    const seven = await Promise.all(
      Array.from({ length: 7 }, () => threads.run({ op: 'verify', args: [hashed, 'pw'] })),
    );
    expect(seven).toEqual(Array(7).fill(true));
    expect(threads.size).toBe(3);
  });

  it('fails a computation the library refuses, and the thread serves the next one', async () => {
    threads = new HashingThreads();
    await expect(threads.run({ op: 'verify', args: ['not a hash', 'pw'] })).rejects.toThrow();
    const hashed = (await threads.run({ op: 'hash', args: ['pw', OPTIONS] })) as string;
    expect(await threads.run({ op: 'verify', args: [hashed, 'pw'] })).toBe(true);
    expect(threads.size).toBe(1);
  });

  it('fails the computation of a thread that ends, and starts another for the next', async () => {
    threads = new HashingThreads();
    await threads.run({ op: 'hash', args: ['pw', OPTIONS] });
    const running = threads.run({
      op: 'hash',
      args: ['pw', { ...OPTIONS, memoryCost: 65536, timeCost: 20 }],
    });
    await vi.waitFor(() => expect(threads.busy).toBe(1));
    await threads.close(); // ends the thread in the middle of the computation
    await expect(running).rejects.toBeInstanceOf(HashingThreadEnded);
    expect(threads.size).toBe(0);
    // Once closed, a computation that still arrives is served, and its thread does not stay behind.
    expect(await threads.run({ op: 'hash', args: ['pw', OPTIONS] })).toMatch(/^\$argon2id\$/);
    expect(threads.size).toBe(0);
  });

  it.runIf(process.platform === 'linux')(
    'runs its threads below the event loop, which stays as it was',
    async () => {
      const own = () => niceOf(readFileSync('/proc/thread-self/stat', 'utf8'));
      const ownBefore = own();
      const before = niceValues();
      threads = new HashingThreads();
      await threads.run({ op: 'hash', args: ['pw', OPTIONS] });
      const lowered = (values: number[]) => values.filter((n) => n === HASHING_NICE).length;
      expect(lowered(niceValues())).toBe(lowered(before) + 1);
      expect(own()).toBe(ownBefore);
    },
  );
});
