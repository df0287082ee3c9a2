import { type ExecutionContext, SetMetadata } from '@nestjs/common';

const LOGIN_RATE_LIMIT_KEY = 'iam:loginRateLimit';

/** Counts a route against the stricter login budget (RATE_LIMIT_LOGIN_PER_MINUTE) instead of the general one. */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMIT_KEY, true);

const loginRoutes = new WeakMap<object, boolean>();

/** Asked twice per request (the limit and the key), answered from the handler's metadata once. */
export function isLoginRateLimited(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let answer = loginRoutes.get(handler);
  if (answer === undefined) {
    answer = Reflect.getMetadata(LOGIN_RATE_LIMIT_KEY, handler) === true;
    loginRoutes.set(handler, answer);
  }
  return answer;
}
