import { DomainError, type FieldError } from '../common/errors/domain-error.js';

export class UserNotFoundError extends DomainError {
  constructor() {
    super('USER_NOT_FOUND', 'User not found');
  }
}

export class UsernameTakenError extends DomainError {
  constructor(username: string) {
    super('USERNAME_TAKEN', `Username '${username}' is already taken`);
  }
}

export class EmailTakenError extends DomainError {
  constructor() {
    super('EMAIL_TAKEN', 'E-mail address is already in use by another user');
  }
}

export class LastAdministratorError extends DomainError {
  constructor(action: string) {
    super(
      'LAST_ADMINISTRATOR',
      `Cannot ${action} the last active administrator: give another active user a role with full_access first`,
    );
  }
}

export class CannotDeleteSelfError extends DomainError {
  constructor() {
    super('CANNOT_DELETE_SELF', 'You cannot delete your own account');
  }
}

export class NotAnApiUserError extends DomainError {
  constructor() {
    super('NOT_AN_API_USER', 'Only API users have an API token');
  }
}

export class NoPreviousTokenError extends DomainError {
  constructor() {
    super('NO_PREVIOUS_TOKEN', 'This API user has no previous token in its grace');
  }
}

export class ApiUserHasNoPasswordError extends DomainError {
  constructor() {
    super('API_USER_HAS_NO_PASSWORD', 'API users have no password; regenerate their token instead');
  }
}

export class CannotDeactivateSelfError extends DomainError {
  constructor() {
    super('CANNOT_DEACTIVATE_SELF', 'You cannot deactivate your own account');
  }
}

export class RoleLacksApiAccessError extends DomainError {
  constructor(role: string) {
    super(
      'ROLE_LACKS_API_ACCESS',
      `Role '${role}' lacks api_access, which every request with an API token needs; choose a role that grants it`,
    );
  }
}

/** A password the policy refuses: each failed rule is one detail. */
export class WeakPasswordError extends DomainError {
  constructor(message: string, details: FieldError[]) {
    super('WEAK_PASSWORD', message, { details });
  }
}
