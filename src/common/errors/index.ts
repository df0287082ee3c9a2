export * from './domain-error.js';
export * from './error-codes.js';
export { mapError, isDependencyFailure, type ErrorBody } from './error-body.js';
export { AllExceptionsFilter } from './all-exceptions.filter.js';
export { createValidationPipe } from './validation.js';
