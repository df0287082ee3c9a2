import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  DECORATORS,
} from '@nestjs/swagger';
import { UnauthenticatedError } from '../errors/domain-error.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import type { Actor, AuthContext, RequestWithAuth } from './auth-context.js';
import { clientInfoOf } from './client-info.js';
import {
  ALLOW_MFA_ENROLLMENT_PENDING_KEY,
  ALLOW_PASSWORD_CHANGE_PENDING_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_PERMISSIONS_KEY,
} from './metadata.js';

// `security: []` in the OpenAPI document: this operation needs no credentials, said explicitly, so
// that an operation documenting no security at all stands out as an undocumented one.
const NoSecurity =
  () =>
  (_target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (!descriptor) return;
    const previous = Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value) as object | undefined;
    Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...previous, security: [] }, descriptor.value);
  };

/** Opens a route to anonymous callers. Everything else requires authentication. */
export const Public = () =>
  applyDecorators(
    SetMetadata(IS_PUBLIC_KEY, true),
    NoSecurity(),
    ApiTooManyRequestsResponse({ description: 'RATE_LIMITED', type: ErrorResponseDto }),
  );

/** Authenticated caller, no particular permission: documents the bearer scheme and 401/403. */
export const Authenticated = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description: 'UNAUTHENTICATED, TOKEN_EXPIRED, TOKEN_REVOKED',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({
      description: 'PASSWORD_CHANGE_REQUIRED, MFA_ENROLLMENT_REQUIRED, API_ACCESS_REQUIRED',
      type: ErrorResponseDto,
    }),
    ApiTooManyRequestsResponse({ description: 'RATE_LIMITED', type: ErrorResponseDto }),
  );

/**
 * Requires any one of the named permissions (`full_access` passes every
 * check), and writes the route's security and error responses to OpenAPI.
 */
export const RequirePermission = (...permissions: [string, ...string[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS_KEY, permissions),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description: 'UNAUTHENTICATED, TOKEN_EXPIRED, TOKEN_REVOKED',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({
      description: `PERMISSION_DENIED (needs ${permissions.join(' or ')}), API_ACCESS_REQUIRED, PASSWORD_CHANGE_REQUIRED, MFA_ENROLLMENT_REQUIRED`,
      type: ErrorResponseDto,
    }),
    ApiTooManyRequestsResponse({ description: 'RATE_LIMITED', type: ErrorResponseDto }),
  );

/** A route a session with a pending password change may still call (/me, /me/password, /logout). */
export const AllowWhilePasswordChangeRequired = () => SetMetadata(ALLOW_PASSWORD_CHANGE_PENDING_KEY, true);

/** A route a session that must enrol a second factor may still call (/me, /me/password, /me/mfa/*, /logout). */
export const AllowWhileMfaEnrollmentRequired = () => SetMetadata(ALLOW_MFA_ENROLLMENT_PENDING_KEY, true);

function callerOf(request: RequestWithAuth): AuthContext {
  if (!request.user) throw new UnauthenticatedError();
  return request.user;
}

/** The authenticated caller of this request. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext =>
  callerOf(ctx.switchToHttp().getRequest<RequestWithAuth>()),
);

/** The authenticated caller and the client they call from: a change's actor, as its audit entry names it. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<RequestWithAuth>();
  return { auth: callerOf(request), client: clientInfoOf(request) };
});
