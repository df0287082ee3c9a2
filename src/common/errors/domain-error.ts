import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failure the API answers with a stable code; the exception filter turns it into the error body.
 * Each module names its own failures as subclasses in its `*.errors.ts`; only the few that common
 * itself throws live here.
 */
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

export class UnsupportedMediaTypeError extends DomainError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type; send application/json');
  }
}

export class DependencyUnavailableError extends DomainError {
  constructor(what = 'A dependency') {
    super('DEPENDENCY_UNAVAILABLE', `${what} is unavailable; try again shortly`, { retryAfterSeconds: 5 });
  }
}
