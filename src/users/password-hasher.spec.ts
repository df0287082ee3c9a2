import { describe, expect, it, vi } from 'vitest';
import type { IamOptions } from '../config/iam-options.js';

// argon2's threads, replaced by a computation the test finishes: how many run at once is what is checked.
const running = { now: 0, most: 0, finish: [] as (() => void)[] };
vi.mock('./hashing-threads.js', () => ({
  HashingThreads: class {
    run = () =>
      new Promise<boolean>((resolve) => {
        running.now++;
        running.most = Math.max(running.most, running.now);
        running.finish.push(() => {
          running.now--;
          resolve(true);
        });
      });
    close = async () => undefined;
  },
}));

const { PasswordHasher, hashingConcurrency } = await import('./password-hasher.js');

describe('PasswordHasher', () => {
  it('leaves a core to the event loop, and runs at least one hash', () => {
    expect([1, 2, 4, 8].map((cores) => hashingConcurrency(cores))).toEqual([1, 1, 3, 7]);
  });

  it('runs no more verifications at once than that; the others wait their turn', async () => {
    const argon2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
    const hasher = new PasswordHasher({ argon2 } as IamOptions);
    const limit = hashingConcurrency();
    const results = Array.from({ length: limit + 3 }, () => hasher.verify('$argon2id$x', 'pw'));
    for (let done = 0; done < limit + 3; done++) {
      await vi.waitFor(() => expect(running.finish.length).toBeGreaterThan(0));
      expect(running.now).toBeLessThanOrEqual(limit);
      running.finish.shift()!();
    }
    expect(await Promise.all(results)).toEqual(Array(limit + 3).fill(true));
    expect(running.most).toBe(limit);
  });
});
