import { DomainError, UnauthenticatedError } from '../common/errors/domain-error.js';

/** One answer for an unknown name and a wrong password: status, code and message alike. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', 'Invalid username or password');
  }
}

/** A signed-in caller proving their password again (to change it, or their second factor). */
export class WrongCurrentPasswordError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', 'The current password is not correct');
  }
}

/** The new password repeats the current one. */
export class UnchangedPasswordError extends DomainError {
  constructor() {
    super('WEAK_PASSWORD', 'The new password must differ from the current one', {
      details: [{ field: 'newPassword', message: 'newPassword must differ from currentPassword' }],
    });
  }
}

export class AccountLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('ACCOUNT_LOCKED', 'Too many failed attempts; try again later', {
      retryAfterSeconds: Math.max(1, retryAfterSeconds),
    });
  }
}

export class AccountDisabledError extends DomainError {
  constructor() {
    super('ACCOUNT_DISABLED', 'This account is deactivated; ask a user administrator');
  }
}

export class InteractiveLoginNotAllowedError extends DomainError {
  constructor() {
    super('INTERACTIVE_LOGIN_NOT_ALLOWED', 'API users cannot log in; use the API token they were given');
  }
}

/** A token whose signature holds but whose header or claims are not one this API issues. */
export class InvalidTokenError extends UnauthenticatedError {
  constructor() {
    super('Invalid token');
  }
}

/** A well-formed token that no longer stands: its session, user or API token was ended or replaced. */
export class TokenRevokedError extends DomainError {
  constructor(message: string) {
    super('TOKEN_REVOKED', message);
  }
}

export class TokenExpiredError extends DomainError {
  constructor(message = 'Token has expired') {
    super('TOKEN_EXPIRED', message);
  }
}

/** A session-only route called with an API token. */
export class SessionRequiredError extends DomainError {
  constructor() {
    super('SESSION_REQUIRED', 'This needs an interactive session; an API token cannot do it');
  }
}

export class SessionNotFoundError extends DomainError {
  constructor() {
    super('SESSION_NOT_FOUND', 'Session not found');
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many requests; slow down', { retryAfterSeconds });
  }
}
