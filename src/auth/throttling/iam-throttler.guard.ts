import { Injectable } from '@nestjs/common';
import { type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitedError } from '../auth.errors.js';

/**
 * @nestjs/throttler's guard, registered globally after authentication so an
 * authenticated caller is counted by user id; a refusal is the contract's
 * 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class IamThrottlerGuard extends ThrottlerGuard {
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
