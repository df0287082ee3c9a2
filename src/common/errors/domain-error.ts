import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/** A failure the API answers with a stable code; the exception filter turns it into the error body. */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = ERROR_STATUS[code];
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: FieldError[], message = 'Validation failed') {
    super('VALIDATION_FAILED', message, { details });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class PermissionDeniedError extends DomainError {
  constructor(required: readonly string[]) {
    super('PERMISSION_DENIED', `Missing permission: ${required.join(' or ')}`);
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

export class UserNotFoundError extends DomainError {
  constructor() {
    super('USER_NOT_FOUND', 'User not found');
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

export class DependencyUnavailableError extends DomainError {
  constructor(what = 'A dependency') {
    super('DEPENDENCY_UNAVAILABLE', `${what} is unavailable; try again shortly`, { retryAfterSeconds: 5 });
  }
}
