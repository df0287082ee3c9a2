import { describe, expect, it } from 'vitest';
import { LATER_EVICTION_WINDOW_MS, LaterEvictions } from './later-evictions.js';

const W = LATER_EVICTION_WINDOW_MS;

/** A clock and a timer queue moved by hand: timers run when the time passes them. */
function fakeTime(start: number) {
  let t = start;
  const timers: { at: number; run: () => void }[] = [];
  return {
    now: () => t,
    schedule: (run: () => void, ms: number) => void timers.push({ at: t + ms, run }),
    timers,
    advanceTo(at: number) {
      for (const timer of timers.filter((x) => x.at <= at).sort((a, b) => a.at - b.at)) {
        timers.splice(timers.indexOf(timer), 1);
        t = Math.max(t, timer.at);
        timer.run();
      }
      t = at;
    },
  };
}

function setUp(start = 10 * W) {
  const time = fakeTime(start);
  const evicted: { at: number; keys: string[] }[] = [];
  const later = new LaterEvictions(
    async (keys) => void evicted.push({ at: time.now(), keys }),
    2_000,
    time.now,
    time.schedule,
  );
  return { time, evicted, later };
}

describe('LaterEvictions', () => {
  it('evicts the keys of one window together, no sooner than the delay after the last of them', () => {
    const { time, evicted, later } = setUp();
    later.add(['auth:user:1']);
    time.advanceTo(10 * W + 100);
    later.add(['auth:user:2', 'auth:session:a']);
    time.advanceTo(10 * W + W - 1);
    later.add(['auth:user:1']);
    expect(time.timers).toHaveLength(1);
    expect(later.pending).toBe(3);

    time.advanceTo(11 * W + 2_000 - 1);
    expect(evicted).toEqual([]);
    time.advanceTo(11 * W + 2_000);
    expect(evicted).toEqual([{ at: 11 * W + 2_000, keys: ['auth:user:1', 'auth:user:2', 'auth:session:a'] }]);
    expect(later.pending).toBe(0);
  });

  it('gives every key at least the delay, and at most the delay and one window', () => {
    const { time, evicted, later } = setUp();
    const given = new Map<string, number>();
    const give = (key: string, at: number) => {
      time.advanceTo(at);
      given.set(key, at);
      later.add([key]);
    };
    give('a', 10 * W);
    give('b', 11 * W);
    give('c', 12 * W - 1);
    time.advanceTo(20 * W + 2_000);
    expect(evicted.map((e) => e.keys)).toEqual([['a'], ['b', 'c']]);
    for (const { at, keys } of evicted)
      for (const key of keys) {
        const age = at - given.get(key)!;
        expect(age).toBeGreaterThanOrEqual(2_000);
        expect(age).toBeLessThanOrEqual(2_000 + W);
      }
  });

  it('takes keys again for a window already evicted, and a failed eviction is not thrown', async () => {
    const time = fakeTime(4 * W);
    const calls: string[][] = [];
    const later = new LaterEvictions(
      (keys) => {
        calls.push(keys);
        return Promise.reject(new Error('redis gone'));
      },
      2_000,
      time.now,
      time.schedule,
    );
    later.add(['x']);
    time.advanceTo(5 * W + 2_000);
    later.add([]);
    expect(time.timers).toHaveLength(0);
    // The clock of a test moved back into the same window: the key is taken and evicted once more.
    time.advanceTo(4 * W);
    later.add(['y']);
    time.advanceTo(5 * W + 2_000);
    await Promise.resolve();
    expect(calls).toEqual([['x'], ['y']]);
  });
});
