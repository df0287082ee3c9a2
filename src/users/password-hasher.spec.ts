import { describe, expect, it, vi } from 'vitest';
import type { IamOptions } from '../config/iam-options.js';

// argon2's threads, replaced by answers the test chooses: what is checked is how the hasher reads them.
const answers: (() => Promise<unknown>)[] = [];
const jobs: { op: string; args: unknown[] }[] = [];
vi.mock('./hashing-threads.js', async (importOriginal) => {
  const { HashingThreadEnded } = await importOriginal<typeof import('./hashing-threads.js')>();
  return {
    HashingThreadEnded,
    HashingThreads: class {
      run = (job: { op: string; args: unknown[] }) => {
        jobs.push(job);
        return answers.shift()!();
      };
      close = async () => undefined;
    },
  };
});

const { PasswordHasher } = await import('./password-hasher.js');
const { HashingThreadEnded } = await import('./hashing-threads.js');

const argon2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const hasherOf = () => new PasswordHasher({ argon2 } as IamOptions);
const answer = (value: unknown) => () => Promise.resolve(value);
const failure = (err: Error) => () => Promise.reject(err);

describe('PasswordHasher', () => {
  it('hands the configured parameters to the threads, which pick argon2id', async () => {
    answers.push(answer('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'));
    expect(await hasherOf().hash('pw')).toMatch(/^\$argon2id\$/);
    expect(jobs.at(-1)).toEqual({ op: 'hash', args: ['pw', argon2] });
  });

  it('answers a verification as the thread does, and false for a hash the library refuses', async () => {
    const hasher = hasherOf();
    answers.push(answer(true), answer(false), failure(new Error('invalid hash')));
    expect(await hasher.verify('$argon2id$x', 'right')).toBe(true);
    expect(await hasher.verify('$argon2id$x', 'wrong')).toBe(false);
    expect(await hasher.verify('not a hash', 'pw')).toBe(false);
  });

  it('throws when the thread ended before answering: no answer about the password', async () => {
    answers.push(failure(new HashingThreadEnded('hashing thread ended (1)')));
    await expect(hasherOf().verify('$argon2id$x', 'pw')).rejects.toBeInstanceOf(HashingThreadEnded);
  });

  it('keeps the dummy hash for unknown names, but not a failed one', async () => {
    const hasher = hasherOf();
    answers.push(failure(new HashingThreadEnded('hashing thread ended (1)')));
    await expect(hasher.verifyDummy('pw')).rejects.toBeInstanceOf(HashingThreadEnded);
    answers.push(answer('$argon2id$dummy'), answer(false), answer(false));
    expect(await hasher.verifyDummy('pw')).toBe(false);
    expect(await hasher.verifyDummy('other')).toBe(false);
    expect(jobs.slice(-3).map((j) => j.op)).toEqual(['hash', 'verify', 'verify']);
  });
});
