import { DomainError } from '../common/errors/domain-error.js';

/** A command-line option outside what the API would take for it. */
export class InvalidOptionError extends DomainError {
  constructor(message: string) {
    super('VALIDATION_FAILED', message);
  }
}
