import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { AuthContext } from '../common/auth/auth-context.js';
import { IS_PUBLIC_KEY } from '../common/auth/metadata.js';
import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { InvalidTokenError, TokenExpiredError } from './auth.errors.js';

/**
 * Global: every route needs a valid token unless marked @Public(). A
 * forgotten decorator therefore closes a route, never opens it.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<T = AuthContext>(err: unknown, user: T | false, info: unknown): T {
    if (err) throw err instanceof Error ? err : new UnauthenticatedError();
    if (user) return user;
    const name = (info as { name?: string } | undefined)?.name;
    if (name === 'TokenExpiredError') throw new TokenExpiredError();
    if (name === 'JsonWebTokenError' || name === 'NotBeforeError') throw new InvalidTokenError();
    throw new UnauthenticatedError();
  }
}
