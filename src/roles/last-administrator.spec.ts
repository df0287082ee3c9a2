import { describe, expect, it } from 'vitest';
import { isAdministrator } from './last-administrator.js';

describe('isAdministrator', () => {
  it.each([
    [{ isActive: true, isApiUser: false, permissions: ['full_access'] }, true],
    [{ isActive: true, isApiUser: false, permissions: ['manage_users', 'full_access'] }, true],
    [{ isActive: false, isApiUser: false, permissions: ['full_access'] }, false],
    [{ isActive: true, isApiUser: true, permissions: ['full_access'] }, false],
    [{ isActive: true, isApiUser: false, permissions: ['manage_users', 'manage_roles'] }, false],
  ])('%o → %s', (state, expected) => {
    expect(isAdministrator(state)).toBe(expected);
  });
});
