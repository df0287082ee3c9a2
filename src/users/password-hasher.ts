import { availableParallelism } from 'node:os';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { type Argon2idParams, HashingThreads } from './hashing-threads.js';

/**
 * How many argon2 computations run at once: one core fewer than the process may use, at least one. Each
 * takes a core for its whole length; on a machine of one or two cores, more at once would leave the event
 * loop, and every other request with it, waiting for a core. Queued logins wait a little longer; logins per
 * CPU-second are the same.
 */
export function hashingConcurrency(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

const PHC_PARAMS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * argon2id on threads of its own, below the event loop's priority (HashingThreads), so hashing never
 * blocks the event loop nor, on a busy core, delays it; a bounded number at a time.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly params: Argon2idParams;
  private dummyHash?: Promise<string>;
  private readonly limit: LimitFunction;
  private readonly threads = new HashingThreads();

  constructor(@Inject(IAM_OPTIONS) options: IamOptions) {
    this.params = options.argon2;
    this.limit = pLimit(hashingConcurrency());
  }

  hash(password: string): Promise<string> {
    // The threads load argon2 and pick argon2id: the event loop's thread never loads the native library.
    return this.limit(
      () => this.threads.run({ op: 'hash', args: [password, this.params] }) as Promise<string>,
    );
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      const ok = await this.limit(() => this.threads.run({ op: 'verify', args: [passwordHash, password] }));
      return ok === true;
    } catch {
      return false;
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.threads.close();
  }

  /**
   * Spends the time of a real verification, for a username that does not
   * exist (or has no password), so that unknown and known usernames answer alike.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('dummy-password-for-timing-equalisation');
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True when the hash was made with weaker parameters than the configured ones. */
  needsRehash(passwordHash: string): boolean {
    const m = PHC_PARAMS.exec(passwordHash);
    if (!m) return true;
    const [memory, time, parallel] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return (
      memory < this.params.memoryCost || time < this.params.timeCost || parallel < this.params.parallelism
    );
  }
}
