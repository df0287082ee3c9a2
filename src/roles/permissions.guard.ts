import { type CanActivate, type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '../audit/audit.service.js';
import type { AuthContext, RequestWithAuth } from '../common/auth/auth-context.js';
import { clientInfoOf } from '../common/auth/client-info.js';
import {
  ALLOW_PASSWORD_CHANGE_PENDING_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_PERMISSIONS_KEY,
} from '../common/auth/metadata.js';
import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { decideAccess } from './access-decision.js';

export { type AccessDecision, decideAccess, permissionDecision } from './access-decision.js';

/** Global, after authentication: checks permissions, never role names. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: IamMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithAuth>();
    const user = request.user;
    if (!user) throw new UnauthenticatedError();
    const required = this.reflector.getAllAndOverride<string[] | undefined>(
      REQUIRED_PERMISSIONS_KEY,
      targets,
    );
    const allowPending =
      this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING_KEY, targets) ?? false;
    const decision = decideAccess(user, required, allowPending);
    if (decision.ok) return true;
    if (decision.missing) this.recordDenial(request, user, decision.missing, decision.error.code);
    throw decision.error;
  }

  // The single place where a denial is audited.
  private recordDenial(
    request: RequestWithAuth,
    user: AuthContext,
    missing: readonly string[],
    code: string,
  ): void {
    this.metrics?.permissionDenied(code);
    const routePath =
      (request as { routeOptions?: { url?: string } }).routeOptions?.url ??
      String(request.url ?? '').split('?')[0];
    this.audit.recordDetached({
      action: 'auth.permission_denied',
      actor: { id: user.userId, username: user.username },
      target: { type: 'route', id: `${request.method} ${routePath}` },
      client: clientInfoOf(request),
      outcome: 'denied',
      details: { required: [...missing], code, via: user.kind },
    });
  }
}
