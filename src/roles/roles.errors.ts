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
