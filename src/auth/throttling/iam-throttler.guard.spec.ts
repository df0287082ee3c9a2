import type { ExecutionContext } from '@nestjs/common';
import { SkipThrottle, Throttle, ThrottlerStorageService } from '@nestjs/throttler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../auth.errors.js';
import { IamThrottlerGuard } from './iam-throttler.guard.js';

class Routes {
  plain() {}
  @SkipThrottle()
  skipped() {}
  @Throttle({ default: { limit: 1, ttl: 60_000 } })
  strict() {}
  @Throttle({ default: { limit: async () => 2, ttl: () => 60_000, blockDuration: '30000' as never } })
  resolved() {}
}

@SkipThrottle()
class QuietRoutes {
  inherited() {}
  @SkipThrottle({ default: false })
  counted() {}
}

const contextOf = (classRef: object, handler: object, caller = 'a'): ExecutionContext =>
  ({
    getType: () => 'http',
    getClass: () => classRef,
    getHandler: () => handler,
    switchToHttp: () => ({
      getRequest: () => ({ headers: {}, caller }),
      getResponse: () => ({ header() {} }),
    }),
  }) as unknown as ExecutionContext;

describe('IamThrottlerGuard', () => {
  const storages: ThrottlerStorageService[] = [];
  afterEach(() => storages.splice(0).forEach((s) => s.onApplicationShutdown()));

  async function guardWith(limit: number | (() => number)) {
    const storage = new ThrottlerStorageService();
    storages.push(storage);
    const guard = new IamThrottlerGuard(
      {
        throttlers: [{ name: 'default', ttl: 60_000, limit }],
        setHeaders: false,
        getTracker: (req) => (req as { caller: string }).caller,
      },
      storage,
    );
    await guard.onModuleInit();
    return { guard, storage };
  }

  /** How many requests in a row pass before the first refusal (up to `tries`). */
  async function passes(guard: IamThrottlerGuard, context: ExecutionContext, tries = 5) {
    for (let i = 0; i < tries; i++) {
      try {
        expect(await guard.canActivate(context)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(RateLimitedError);
        return i;
      }
    }
    return tries;
  }

  it('counts each caller against the module limit, then refuses with the contract error', async () => {
    const { guard } = await guardWith(3);
    expect(await passes(guard, contextOf(Routes, Routes.prototype.plain, 'a'))).toBe(3);
    expect(await passes(guard, contextOf(Routes, Routes.prototype.plain, 'b'))).toBe(3);
  });

  it('asks a limit that is a function on every request', async () => {
    const limit = vi.fn(() => 2);
    const { guard } = await guardWith(limit);
    expect(await passes(guard, contextOf(Routes, Routes.prototype.plain))).toBe(2);
    expect(limit).toHaveBeenCalledTimes(3);
  });

  it('honours @SkipThrottle on a handler and on a class, and a handler that opts back in', async () => {
    const { guard } = await guardWith(1);
    expect(await passes(guard, contextOf(Routes, Routes.prototype.skipped))).toBe(5);
    expect(await passes(guard, contextOf(QuietRoutes, QuietRoutes.prototype.inherited))).toBe(5);
    expect(await passes(guard, contextOf(QuietRoutes, QuietRoutes.prototype.counted))).toBe(1);
  });

  it("honours @Throttle's limit, ttl and block duration, resolved as the library resolves them", async () => {
    const { guard, storage } = await guardWith(10);
    const increment = vi.spyOn(storage, 'increment');
    expect(await passes(guard, contextOf(Routes, Routes.prototype.strict))).toBe(1);
    expect(increment.mock.calls[0]?.slice(1)).toEqual([60_000, 1, 60_000, 'default']);
    increment.mockClear();
    expect(await passes(guard, contextOf(Routes, Routes.prototype.resolved, 'c'))).toBe(2);
    expect(increment.mock.calls[0]?.slice(1)).toEqual([60_000, 2, 30_000, 'default']);
  });

  it('reads a route’s decorators once, not on every request', async () => {
    const { guard } = await guardWith(100);
    const read = vi.spyOn(Reflect, 'getMetadata');
    try {
      await guard.canActivate(contextOf(Routes, Routes.prototype.plain));
      const first = read.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) await guard.canActivate(contextOf(Routes, Routes.prototype.plain));
      expect(read.mock.calls.length).toBe(first);
    } finally {
      read.mockRestore();
    }
  });

  it('lets anything but HTTP through uncounted', async () => {
    const { guard, storage } = await guardWith(1);
    const increment = vi.spyOn(storage, 'increment');
    const rpc = { ...contextOf(Routes, Routes.prototype.plain), getType: () => 'rpc' } as ExecutionContext;
    expect(await guard.canActivate(rpc)).toBe(true);
    expect(increment).not.toHaveBeenCalled();
  });
});
