import { Permission } from '../common/auth/permission.js';
import { DomainError } from '../common/errors/domain-error.js';

export class RoleExistsError extends DomainError {
  constructor(name: string) {
    super('ROLE_EXISTS', `Role '${name}' already exists`);
  }
}

export class SystemRoleError extends DomainError {
  constructor(name: string, what: 'deleted' | 'permissions') {
    super(
      'SYSTEM_ROLE',
      what === 'deleted'
        ? `System role '${name}' cannot be deleted`
        : `The permissions of system role '${name}' are fixed`,
    );
  }
}

export class RoleNotFoundError extends DomainError {
  constructor(name: string) {
    super('ROLE_NOT_FOUND', `Role '${name}' not found`);
  }
}

export class RoleInUseError extends DomainError {
  constructor(userCount: number) {
    super('ROLE_IN_USE', `Cannot delete role. ${userCount} user(s) are assigned to this role`);
  }
}

/** Taking full_access from the role every remaining active administrator holds. */
export class RoleHoldsLastAdministratorsError extends DomainError {
  constructor(name: string) {
    super(
      'LAST_ADMINISTRATOR',
      `Cannot remove full_access from role '${name}': it holds the last active administrators; give another active user a role with full_access first`,
    );
  }
}

export class PermissionDeniedError extends DomainError {
  constructor(required: readonly string[]) {
    super('PERMISSION_DENIED', `Missing permission: ${required.join(' or ')}`);
  }
}

export class ApiAccessRequiredError extends DomainError {
  constructor() {
    super('API_ACCESS_REQUIRED', `Requests with an API token need the ${Permission.ApiAccess} permission`);
  }
}

export class PasswordChangeRequiredError extends DomainError {
  constructor() {
    super('PASSWORD_CHANGE_REQUIRED', 'Change your password before doing anything else');
  }
}

export class MfaEnrollmentRequiredError extends DomainError {
  constructor() {
    super(
      'MFA_ENROLLMENT_REQUIRED',
      'Your role requires two-factor sign-in: set it up under My Account before doing anything else',
    );
  }
}

export class PrivilegeEscalationError extends DomainError {
  constructor(
    readonly missing: readonly string[],
    message = `Privilege escalation: you do not hold ${missing.join(', ')}`,
  ) {
    super('PRIVILEGE_ESCALATION', message);
  }
}
