import { Injectable } from '@nestjs/common';

/**
 * The current time as a provider, so that rules measured in minutes and
 * hours (lock lengths, counting windows) can be tested by moving the time
 * instead of waiting for it.
 */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
