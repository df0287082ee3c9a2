import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../common/auth/auth-context.js';
import { AllowWhilePasswordChangeRequired, Public, RequirePermission } from '../common/auth/decorators.js';
import type { AccessDenials } from './access-denials.js';
import { PermissionsGuard } from './permissions.guard.js';
import { PasswordChangeRequiredError, PermissionDeniedError } from './roles.errors.js';

class Routes {
  @Public()
  open() {}
  @RequirePermission('manage_users')
  manage() {}
  @AllowWhilePasswordChangeRequired()
  me() {}
}

@RequirePermission('view_audit')
class AuditRoutes {
  list() {}
  @RequirePermission('manage_users')
  special() {}
}

const caller = (permissions: string[], over: Partial<AuthContext> = {}): AuthContext => ({
  userId: 1,
  username: 'u',
  roleName: 'r',
  permissions: new Set(permissions),
  kind: 'session',
  sessionId: 's',
  mustChangePassword: false,
  ...over,
});

const contextOf = (classRef: object, handler: object, user?: AuthContext) =>
  ({
    getType: () => 'http',
    getClass: () => classRef,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => ({ user, method: 'GET', url: '/x' }) }),
  }) as unknown as ExecutionContext;

describe('PermissionsGuard', () => {
  const denials = { record: vi.fn() } as unknown as AccessDenials;
  const guard = new PermissionsGuard(denials);

  it('reads the handler’s decorators, then the class’s', () => {
    expect(guard.canActivate(contextOf(Routes, Routes.prototype.open))).toBe(true);
    expect(guard.canActivate(contextOf(Routes, Routes.prototype.manage, caller(['manage_users'])))).toBe(
      true,
    );
    expect(() =>
      guard.canActivate(contextOf(Routes, Routes.prototype.manage, caller(['view_audit']))),
    ).toThrow(PermissionDeniedError);
    expect(
      guard.canActivate(contextOf(AuditRoutes, AuditRoutes.prototype.list, caller(['view_audit']))),
    ).toBe(true);
    expect(() =>
      guard.canActivate(contextOf(AuditRoutes, AuditRoutes.prototype.special, caller(['view_audit']))),
    ).toThrow(PermissionDeniedError);
  });

  it('confines a session with a pending password change to the routes that allow it', () => {
    const pending = caller(['manage_users'], { mustChangePassword: true });
    expect(guard.canActivate(contextOf(Routes, Routes.prototype.me, pending))).toBe(true);
    expect(() => guard.canActivate(contextOf(Routes, Routes.prototype.manage, pending))).toThrow(
      PasswordChangeRequiredError,
    );
  });

  it('reads a route’s decorators once, not on every request', () => {
    const fresh = new PermissionsGuard(denials);
    const read = vi.spyOn(Reflect, 'getMetadata');
    try {
      const context = contextOf(AuditRoutes, AuditRoutes.prototype.list, caller(['view_audit']));
      fresh.canActivate(context);
      const first = read.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) fresh.canActivate(context);
      expect(read.mock.calls.length).toBe(first);
    } finally {
      read.mockRestore();
    }
  });
});
