import { type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { AuthContext, RequestWithAuth } from '../common/auth/auth-context.js';
import { IS_PUBLIC_KEY } from '../common/auth/metadata.js';
import { RouteMetadata } from '../common/auth/route-metadata.js';
import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { InvalidTokenError, TokenExpiredError } from './auth.errors.js';
import { JwtStrategy } from './jwt.strategy.js';

/**
 * Global: every route needs a valid token unless marked @Public(). A
 * forgotten decorator therefore closes a route, never opens it.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  private readonly reflector = new RouteMetadata();

  // Optional: a host module that lists this guard in @UseGuards without the strategy goes through passport.
  constructor(@Optional() private readonly strategy?: JwtStrategy) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    // A token this process verified before: its caller is read without passport's per-request setup.
    const request = context.switchToHttp().getRequest<RequestWithAuth>();
    const known = this.strategy?.knownCaller(request as never);
    if (!known) return super.canActivate(context);
    if (!(known instanceof Promise)) {
      request.user = known;
      return true;
    }
    return known.then(
      (caller) => {
        request.user = caller;
        return true;
      },
      (err: unknown) => this.handleRequest(err, false, undefined),
    );
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
