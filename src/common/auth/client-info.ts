import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ClientInfo, RequestWithAuth } from './auth-context.js';

const MAX_UA = 512;

/**
 * The client's address and user agent. The address comes from the socket, or
 * from X-Forwarded-For only when the HTTP server trusts the proxy (TRUST_PROXY):
 * both Fastify and Express then resolve `request.ip` accordingly.
 */
export function clientInfoOf(request: RequestWithAuth): ClientInfo {
  const ua = request.headers['user-agent'];
  const userAgent = typeof ua === 'string' && ua.length > 0 ? ua.slice(0, MAX_UA) : null;
  return { ip: request.ip ?? null, userAgent };
}

export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo =>
  clientInfoOf(ctx.switchToHttp().getRequest<RequestWithAuth>()),
);
