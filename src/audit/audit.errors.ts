import { DomainError } from '../common/errors/domain-error.js';

export class InvalidCursorError extends DomainError {
  constructor() {
    super('INVALID_CURSOR', 'The cursor is not one this API handed out; start again without it');
  }
}
