import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RequestWithAuth } from '../common/auth/auth-context.js';
import {
  ALLOW_MFA_ENROLLMENT_PENDING_KEY,
  ALLOW_PASSWORD_CHANGE_PENDING_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_PERMISSIONS_KEY,
} from '../common/auth/metadata.js';
import { RouteMemo } from '../common/auth/route-metadata.js';
import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { decideAccess } from './access-decision.js';
import { AccessDenials } from './access-denials.js';

export { type AccessDecision, decideAccess, permissionDecision } from './access-decision.js';

/** What a route's decorators ask of its callers. */
interface RoutePolicy {
  isPublic: boolean;
  required: string[] | undefined;
  allowPending: boolean;
  allowEnrolment: boolean;
}

/** Global, after authentication: checks permissions, never role names. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  private readonly reflector = new Reflector();
  private readonly policies = new RouteMemo((handler, classRef) => this.readPolicy(handler, classRef));

  constructor(private readonly denials: AccessDenials) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const policy = this.policies.get(context.getHandler(), context.getClass());
    if (policy.isPublic) return true;
    const request = context.switchToHttp().getRequest<RequestWithAuth>();
    const user = request.user;
    if (!user) throw new UnauthenticatedError();
    const decision = decideAccess(user, policy.required, policy.allowPending, policy.allowEnrolment);
    if (decision.ok) return true;
    if (decision.missing) this.denials.record(request, user, decision.missing, decision.error.code);
    throw decision.error;
  }

  private readPolicy(handler: object, classRef: object): RoutePolicy {
    const targets = [handler, classRef] as never;
    const read = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, targets);
    return {
      isPublic: read<boolean>(IS_PUBLIC_KEY) ?? false,
      required: read<string[] | undefined>(REQUIRED_PERMISSIONS_KEY),
      allowPending: read<boolean>(ALLOW_PASSWORD_CHANGE_PENDING_KEY) ?? false,
      allowEnrolment: read<boolean>(ALLOW_MFA_ENROLLMENT_PENDING_KEY) ?? false,
    };
  }
}
