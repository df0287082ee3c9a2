import { DomainError } from '../common/errors/domain-error.js';

/** A console path with no file behind it, or a console that was never built. */
export class ConsoleNotFoundError extends DomainError {
  constructor(message = 'Not found') {
    super('NOT_FOUND', message);
  }
}
