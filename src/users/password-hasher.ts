import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';

const PHC_PARAMS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/** argon2id on libuv's thread pool, so hashing never blocks the event loop. */
@Injectable()
export class PasswordHasher {
  private readonly params: { memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash?: Promise<string>;

  constructor(@Inject(IAM_OPTIONS) options: IamOptions) {
    this.params = options.argon2;
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: Algorithm.Argon2id, ...this.params });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
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
