import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { RouteMetadata } from '../../common/auth/route-metadata.js';
import { RateLimitedError } from '../auth.errors.js';

/**
 * @nestjs/throttler's guard, registered globally after authentication so an
 * authenticated caller is counted by user id; a refusal is the contract's
 * 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class IamThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    // Six metadata reads per request, the same for every request to a route: each is read once.
    super(options, storage, new RouteMetadata());
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(detail.timeToBlockExpire);
  }
}
