import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { RequestWithAuth } from '../common/auth/auth-context.js';
import {
  ALLOW_MFA_ENROLLMENT_PENDING_KEY,
  ALLOW_PASSWORD_CHANGE_PENDING_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_PERMISSIONS_KEY,
} from '../common/auth/metadata.js';
import { RouteMetadata } from '../common/auth/route-metadata.js';
import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { decideAccess } from './access-decision.js';
import { AccessDenials } from './access-denials.js';

export { type AccessDecision, decideAccess, permissionDecision } from './access-decision.js';

/** Global, after authentication: checks permissions, never role names. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  private readonly reflector = new RouteMetadata();

  constructor(private readonly denials: AccessDenials) {}

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
    const allowEnrolment =
      this.reflector.getAllAndOverride<boolean>(ALLOW_MFA_ENROLLMENT_PENDING_KEY, targets) ?? false;
    const decision = decideAccess(user, required, allowPending, allowEnrolment);
    if (decision.ok) return true;
    if (decision.missing) this.denials.record(request, user, decision.missing, decision.error.code);
    throw decision.error;
  }
}
