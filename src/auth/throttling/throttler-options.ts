import type { ExecutionContext } from '@nestjs/common';
import { normalizeIp, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppCache } from '../../cache/app-cache.js';
import type { RequestWithAuth } from '../../common/auth/auth-context.js';
import type { IamOptions } from '../../config/iam-options.js';
import { AppCacheThrottlerStorage } from './app-cache-throttler.storage.js';
import { isLoginRateLimited } from './login-rate-limit.js';

const MINUTE_MS = 60_000;

/**
 * Who a request is counted against: an authenticated caller by user id (the
 * guard runs after authentication), anyone else by client address, which the
 * HTTP server takes from X-Forwarded-For only with TRUST_PROXY.
 */
export function trackerOf(request: RequestWithAuth): string {
  if (request.user) return `u:${request.user.userId}`;
  return `a:${normalizeIp(request.ip ?? 'unknown', 64)}`;
}

/** One budget per caller over every route, and a stricter one for logging in. */
export function throttlerOptions(options: IamOptions, cache: AppCache): ThrottlerModuleOptions {
  const { perMinute, loginPerMinute } = options.rateLimit;
  return {
    storage: new AppCacheThrottlerStorage(cache),
    // Retry-After comes with the refusal; per-request limit headers would cost a round trip each.
    setHeaders: false,
    throttlers: [
      {
        name: 'default',
        ttl: MINUTE_MS,
        limit: (context: ExecutionContext) => (isLoginRateLimited(context) ? loginPerMinute : perMinute),
      },
    ],
    getTracker: (request) => trackerOf(request as RequestWithAuth),
    generateKey: (context, tracker) => `${isLoginRateLimited(context) ? 'login' : 'all'}:${tracker}`,
  };
}
