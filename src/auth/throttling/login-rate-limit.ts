import { type ExecutionContext, SetMetadata } from '@nestjs/common';

const LOGIN_RATE_LIMIT_KEY = 'iam:loginRateLimit';

/** Counts a route against the stricter login budget (RATE_LIMIT_LOGIN_PER_MINUTE) instead of the general one. */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMIT_KEY, true);

export function isLoginRateLimited(context: ExecutionContext): boolean {
  return Reflect.getMetadata(LOGIN_RATE_LIMIT_KEY, context.getHandler()) === true;
}
