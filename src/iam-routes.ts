import {
  type CanActivate,
  Catch,
  type ExecutionContext,
  Injectable,
  type Type,
  UsePipes,
} from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { AuditHttpModule } from './audit/audit.module.js';
import { AuthHttpModule } from './auth/auth.module.js';
import { AuthenticationGuard } from './auth/authentication.guard.js';
import { IamThrottlerGuard } from './auth/throttling/iam-throttler.guard.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { DomainError } from './common/errors/domain-error.js';
import { createValidationPipe } from './common/errors/validation.js';
import { MetricsHttpModule } from './metrics/metrics.module.js';
import { PermissionsGuard } from './roles/permissions.guard.js';
import { RolesHttpModule } from './roles/roles.module.js';
import { UsersHttpModule } from './users/users.module.js';

/** The modules holding the HTTP routes under the route prefix; /metrics is mounted apart. */
export const IAM_HTTP_MODULES: Type[] = [AuthHttpModule, UsersHttpModule, RolesHttpModule, AuditHttpModule];

const controllersOf = (modules: Type[]): Type[] =>
  modules.flatMap((m) => (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, m) as Type[] | undefined) ?? []);

const IAM_CONTROLLERS = new Set<unknown>(controllersOf([...IAM_HTTP_MODULES, MetricsHttpModule]));

let validated = false;

/**
 * Gives the IAM's controllers the contract's validation, so their input is checked by its rules in any host:
 * with the host's own global pipe, or none. The service's global pipe marks what it validated, so the check
 * runs once there. IamModule calls it when it is built; it attaches the pipe once however often it runs.
 */
export function validateIamRoutes(): void {
  if (validated) return;
  validated = true;
  for (const controller of IAM_CONTROLLERS) UsePipes(createValidationPipe())(controller as Type);
}

/**
 * Without global guards the host protects its own controllers with
 * @UseGuards(AuthenticationGuard, PermissionsGuard); this guard keeps the IAM
 * routes themselves protected (and rate limited), and leaves every other
 * route to the host.
 */
@Injectable()
export class IamRoutesGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationGuard,
    private readonly throttler: IamThrottlerGuard,
    private readonly permissions: PermissionsGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!IAM_CONTROLLERS.has(context.getClass())) return true;
    const authenticated = this.authentication.canActivate(context);
    const ok = isObservable(authenticated) ? await lastValueFrom(authenticated) : await authenticated;
    return ok && (await this.throttler.canActivate(context)) && this.permissions.canActivate(context);
  }
}

/**
 * The contract's error body for the IAM's own errors, on any route of the
 * host (its guarded controllers too); the host's other errors stay its own.
 */
@Catch(DomainError)
export class IamErrorFilter extends AllExceptionsFilter {}
