import { vi } from 'vitest';
import { Clock } from '../../src/common/clock.js';
import type { TestApp } from './harness.js';

/** One TOTP time-step: the default move, so that each code is of a later step than the last. */
const DEFAULT_STEP_MS = 30_000;

/**
 * The app's clock, held at a time the test moves: it stands still however
 * slow the machine, and a wait is a step of `advance`, not a sleep.
 */
export function heldClock(t: TestApp, start = Date.now()) {
  const clock = t.app.get(Clock);
  let now = start;
  vi.spyOn(clock, 'now').mockImplementation(() => now);
  return {
    get now() {
      return now;
    },
    advance(ms = DEFAULT_STEP_MS) {
      now += ms;
      return now;
    },
    restore() {
      vi.restoreAllMocks();
    },
  };
}
