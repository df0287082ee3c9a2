import { Injectable } from '@nestjs/common';
import type { FieldError } from '../common/errors/domain-error.js';
import { isCommonPassword } from './common-passwords.js';
import { WeakPasswordError } from './users.errors.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * The password rules: 8-128 characters with a lowercase letter, an uppercase
 * letter and a digit, not containing the username, not a common password.
 * Every failed rule is listed, so a person can fix them all at once.
 */
@Injectable()
export class PasswordPolicy {
  /** The failed rules, empty when the password is acceptable. */
  check(password: string, username?: string): string[] {
    const failures: string[] = [];
    const length = [...password].length;
    if (length < PASSWORD_MIN) failures.push(`must be at least ${PASSWORD_MIN} characters`);
    if (length > PASSWORD_MAX) failures.push(`must be at most ${PASSWORD_MAX} characters`);
    if (!/\p{Ll}/u.test(password)) failures.push('must contain a lowercase letter');
    if (!/\p{Lu}/u.test(password)) failures.push('must contain an uppercase letter');
    if (!/\p{Nd}/u.test(password)) failures.push('must contain a digit');
    if (username && username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) {
      failures.push('must not contain the username');
    }
    if (this.isCommon(password)) failures.push('is too common');
    return failures;
  }

  /** Throws 400 WEAK_PASSWORD listing every failed rule. */
  assertAcceptable(password: string, username?: string, field = 'password'): void {
    const failures = this.check(password, username);
    if (failures.length === 0) return;
    const details: FieldError[] = failures.map((message) => ({ field, message: `${field} ${message}` }));
    throw new WeakPasswordError(`Password is too weak: it ${failures.join('; ')}`, details);
  }

  /** In the common-password list, ignoring case (see common-passwords.ts for its source). */
  protected isCommon(password: string): boolean {
    return isCommonPassword(password);
  }
}
