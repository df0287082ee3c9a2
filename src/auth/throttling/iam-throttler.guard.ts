import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
// The metadata keys @Throttle and @SkipThrottle write; the package's index does not export them.
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants.js';
import { RouteMemo } from '../../common/auth/route-metadata.js';
import { RateLimitedError } from '../auth.errors.js';

type Resolvable<T> = T | ((context: ExecutionContext) => T | Promise<T>);

/** What one named throttler's decorators say of one route: read once per route. */
interface RouteThrottle {
  throttler: ThrottlerOptions;
  skip: boolean;
  limit: Resolvable<number>;
  ttl: Resolvable<number>;
  blockDuration: Resolvable<number> | undefined;
  getTracker: NonNullable<ThrottlerOptions['getTracker']>;
  generateKey: NonNullable<ThrottlerOptions['generateKey']>;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

function resolveValue<T>(context: ExecutionContext, value: Resolvable<T>): T | Promise<T> {
  return typeof value === 'function' ? (value as (c: ExecutionContext) => T | Promise<T>)(context) : value;
}

/** As the library reads a limit, ttl or block duration: a number, or a numeric string. */
function toNumber(value: unknown, option: string, throttler: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(
      `Invalid "${option}" for the "${throttler}" throttler: expected a number, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/**
 * @nestjs/throttler's guard, registered globally after authentication so an
 * authenticated caller is counted by user id; a refusal is the contract's
 * 429 RATE_LIMITED with Retry-After.
 *
 * The library's `canActivate` reads six metadata keys per named throttler on
 * every request, each built afresh by string concatenation. A route's
 * decorators are fixed once its class is defined, so here they are read once
 * per route; each request then resolves the values (a limit may depend on the
 * request) and is counted by the library's own `handleRequest`.
 */
@Injectable()
export class IamThrottlerGuard extends ThrottlerGuard {
  private readonly routes = new RouteMemo((handler, classRef) => this.readThrottles(handler, classRef));

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    super(options, storage, new Reflector());
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    // Every throttler counts the request, as in the library, even after one of them said no.
    let allowed = true;
    for (const route of this.routes.get(context.getHandler(), context.getClass())) {
      if (route.skip) continue;
      const { throttler } = route;
      const skipIf = throttler.skipIf || this.commonOptions.skipIf;
      if (skipIf?.(context)) continue;
      const name = throttler.name ?? 'default';
      let limit = resolveValue(context, route.limit);
      if (isThenable(limit)) limit = await limit;
      let ttl = resolveValue(context, route.ttl);
      if (isThenable(ttl)) ttl = await ttl;
      const ttlMs = toNumber(ttl, 'ttl', name);
      let blockDuration =
        route.blockDuration === undefined ? ttlMs : resolveValue(context, route.blockDuration);
      if (isThenable(blockDuration)) blockDuration = await blockDuration;
      const counted = await this.handleRequest({
        context,
        limit: toNumber(limit, 'limit', name),
        ttl: ttlMs,
        throttler,
        blockDuration: toNumber(blockDuration, 'blockDuration', name),
        getTracker: route.getTracker,
        generateKey: route.generateKey,
      });
      if (!counted) allowed = false;
    }
    return allowed;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(detail.timeToBlockExpire);
  }

  /** The library's reading of the decorators: the handler's value, else the class's, else the throttler's own. */
  private readThrottles(handler: object, classRef: object): readonly RouteThrottle[] {
    const targets = [handler, classRef] as never;
    const read = <T>(key: string, throttler: ThrottlerOptions): T | undefined =>
      this.reflector.getAllAndOverride<T>(key + throttler.name, targets);
    return this.throttlers.map((throttler) => ({
      throttler,
      skip: Boolean(read(THROTTLER_SKIP, throttler)),
      limit: read<Resolvable<number>>(THROTTLER_LIMIT, throttler) ?? throttler.limit,
      ttl: read<Resolvable<number>>(THROTTLER_TTL, throttler) ?? throttler.ttl,
      blockDuration: read<Resolvable<number>>(THROTTLER_BLOCK_DURATION, throttler) ?? throttler.blockDuration,
      getTracker:
        read<ThrottlerOptions['getTracker']>(THROTTLER_TRACKER, throttler) ||
        throttler.getTracker ||
        this.commonOptions.getTracker!,
      generateKey:
        read<ThrottlerOptions['generateKey']>(THROTTLER_KEY_GENERATOR, throttler) ||
        throttler.generateKey ||
        this.commonOptions.generateKey!,
    }));
  }
}
