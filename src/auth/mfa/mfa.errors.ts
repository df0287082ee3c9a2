import { DomainError } from '../../common/errors/domain-error.js';

export class InvalidMfaCodeError extends DomainError {
  constructor() {
    super('INVALID_MFA_CODE', 'The code is not correct, or was used already');
  }
}

/** The step between a right password and the code: its token expired, was used, or its user changed. */
export class MfaTokenInvalidError extends DomainError {
  constructor() {
    super('MFA_TOKEN_INVALID', 'This sign-in has expired or was used; log in again');
  }
}

export class MfaAlreadyEnabledError extends DomainError {
  constructor() {
    super(
      'MFA_ALREADY_ENABLED',
      'Two-factor sign-in is on already; switch it off first to enrol another authenticator',
    );
  }
}

export class MfaNotEnabledError extends DomainError {
  constructor() {
    super('MFA_NOT_ENABLED', 'Two-factor sign-in is not on');
  }
}

export class MfaSetupRequiredError extends DomainError {
  constructor(message: string) {
    super('MFA_SETUP_REQUIRED', message);
  }
}

export class MfaRequiredByRoleError extends DomainError {
  constructor() {
    super('MFA_REQUIRED_BY_ROLE', 'Your role requires two-factor sign-in; it cannot be switched off');
  }
}
