import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { type Argon2idParams, HashingThreadEnded, HashingThreads } from './hashing-threads.js';

const PHC_PARAMS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * argon2id on threads of its own, below the event loop's priority (HashingThreads), so hashing never
 * blocks the event loop nor, on a busy core, delays it; a bounded number at a time (hashingConcurrency).
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly params: Argon2idParams;
  private dummyHash?: Promise<string>;
  private readonly threads = new HashingThreads();

  constructor(@Inject(IAM_OPTIONS) options: IamOptions) {
    this.params = options.argon2;
  }

  /** How many hashes run at once; more wait their turn. */
  get concurrency(): number {
    return this.threads.capacity;
  }

  hash(password: string): Promise<string> {
    // The threads load argon2 and pick argon2id: the event loop's thread never loads the native library.
    return this.threads.run({ op: 'hash', args: [password, this.params] }) as Promise<string>;
  }

  /**
   * False for a wrong password and for a hash the library cannot read. A thread that ended before it
   * answered is the service's failure, not the caller's: that error is thrown, so no guess is counted.
   */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return (await this.threads.run({ op: 'verify', args: [passwordHash, password] })) === true;
    } catch (err) {
      if (err instanceof HashingThreadEnded) throw err;
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
    // A failed hash is not kept: the next unknown name tries again.
    this.dummyHash ??= this.hash('dummy-password-for-timing-equalisation').catch((err: unknown) => {
      this.dummyHash = undefined;
      throw err;
    });
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
