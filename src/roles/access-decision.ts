import type { AuthContext } from '../common/auth/auth-context.js';
import type { DomainError } from '../common/errors/domain-error.js';
import { Permission } from '../common/auth/permission.js';
import { satisfiesAny } from './permissions.js';
import {
  ApiAccessRequiredError,
  MfaEnrollmentRequiredError,
  PasswordChangeRequiredError,
  PermissionDeniedError,
} from './roles.errors.js';

export type AccessDecision = { ok: true } | { ok: false; error: DomainError; missing?: readonly string[] };

const ALLOWED: AccessDecision = Object.freeze({ ok: true });

/**
 * Whether a holder of `held` passes a check for any one of `required`: with an
 * API token, api_access is needed in addition; full_access passes every check.
 * Shared by the guard and PermissionsService, so both answer alike.
 */
export function permissionDecision(
  kind: AuthContext['kind'],
  held: ReadonlySet<string>,
  required: readonly string[] | undefined,
): AccessDecision {
  if (kind === 'api' && !satisfiesAny(held, [Permission.ApiAccess])) {
    return {
      ok: false,
      error: new ApiAccessRequiredError(),
      missing: [Permission.ApiAccess],
    };
  }
  if (required && required.length > 0 && !satisfiesAny(held, required)) {
    return { ok: false, error: new PermissionDeniedError(required), missing: required };
  }
  return ALLOWED;
}

/**
 * The authorization rule for one request, pure so it can be tested over a
 * table of cases: a pending password change confines a session to the few
 * routes that resolve it, and so does a pending MFA enrolment; then the permission check above.
 */
export function decideAccess(
  user: AuthContext,
  required: readonly string[] | undefined,
  allowWhilePasswordChangePending: boolean,
  allowWhileMfaEnrollmentPending = false,
): AccessDecision {
  if (user.kind === 'session' && user.mustChangePassword && !allowWhilePasswordChangePending) {
    return {
      ok: false,
      error: new PasswordChangeRequiredError(),
    };
  }
  if (user.kind === 'session' && user.mfaEnrollmentRequired && !allowWhileMfaEnrollmentPending) {
    return {
      ok: false,
      error: new MfaEnrollmentRequiredError(),
    };
  }
  return permissionDecision(user.kind, user.permissions, required);
}
