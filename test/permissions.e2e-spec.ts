import { Controller, Get, Module } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RequirePermission } from '../src/common/auth/decorators.js';
import { PermissionsService } from '../src/roles/permissions.service.js';
import { freshCache, freshDatabase } from './support/backends.js';
import {
  bearer,
  createUserRow,
  startTestApp,
  useAdmin,
  userWithToken,
  useTestApp,
} from './support/harness.js';
import {
  apiCallerWith,
  callerWith,
  itIsOpenToRoleOrUserManagers,
  PERMISSIONS_PATH,
  ROLES_PATH,
  uniqueName,
} from './support/roles.js';

const HOST_PERMISSION = { name: 'reports_data', description: 'Read the host application reports' };

// What a host application adds beside the IAM modules.
@Controller('reports')
class ReportsController {
  @Get()
  @RequirePermission('reports_data')
  list(): { reports: string[] } {
    return { reports: ['q1'] };
  }

  // Neither @Public nor @RequirePermission: still closed to anonymous callers.
  @Get('about')
  about(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ReportsController] })
class ReportsModule {}

describe('permission catalog and host permissions', () => {
  const t = useTestApp({ app: { permissions: [HOST_PERMISSION], extraModules: [ReportsModule] } });
  const admin = useAdmin(t);

  describe('GET /auth/api/permissions', () => {
    it('answers the 14 built-in permissions and the host one, with description and category', async () => {
      const res = await t.http().get(PERMISSIONS_PATH).set(bearer(admin.token)).expect(200);
      expect(res.body).toHaveLength(15);
      for (const p of res.body) {
        expect(Object.keys(p).sort()).toEqual(['category', 'description', 'name']);
        expect(p.description.length).toBeGreaterThan(0);
      }
      const byCategory = (c: string) =>
        res.body.filter((p: { category: string }) => p.category === c).map((p: { name: string }) => p.name);
      expect(byCategory('administrative')).toEqual([
        'full_access',
        'manage_users',
        'manage_roles',
        'audit_log_data',
      ]);
      expect(byCategory('feature')).toEqual([
        'portfolio_data',
        'extended_dashboard_data',
        'ai_analysis_data',
        'health_monitor_data',
        'journey_analysis_data',
        'diff_tool_data',
        'model_validation_data',
        'bpmn_analysis_data',
        'dmn_analysis_data',
        'api_access',
        'reports_data',
      ]);
      expect(res.body.at(-1)).toEqual({ ...HOST_PERMISSION, category: 'feature' });
    });

    itIsOpenToRoleOrUserManagers(t, PERMISSIONS_PATH, 'process_analyst');
  });

  describe('a host-registered permission', () => {
    it('goes into a custom role and opens the host route to its users', async () => {
      const name = uniqueName('reports');
      await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(admin.token))
        .send({ name, displayName: 'Report Reader', permissions: [HOST_PERMISSION.name] })
        .expect(201);
      const { token } = await userWithToken(t, { role: name });
      const res = await t.http().get('/reports').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ reports: ['q1'] });
    });

    it('is passed by full_access', async () => {
      await t.http().get('/reports').set(bearer(admin.token)).expect(200);
    });

    it('refuses a caller without it (403 PERMISSION_DENIED naming it)', async () => {
      const { token } = await userWithToken(t, { role: 'viewer' });
      const res = await t.http().get('/reports').set(bearer(token)).expect(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
      expect(res.body.message).toBe('Missing permission: reports_data');
    });

    it('needs api_access too with an API token (403 API_ACCESS_REQUIRED)', async () => {
      const without = await apiCallerWith(t, ['reports_data']);
      const res = await t.http().get('/reports').set(bearer(without.token)).expect(403);
      expect(res.body.code).toBe('API_ACCESS_REQUIRED');
      const withIt = await apiCallerWith(t, ['reports_data', 'api_access']);
      await t.http().get('/reports').set(bearer(withIt.token)).expect(200);
    });

    it('refuses an anonymous caller (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().get('/reports').expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('is subject to the escalation rule like any other', async () => {
      const { token } = await callerWith(t, ['manage_roles']);
      const res = await t
        .http()
        .post(ROLES_PATH)
        .set(bearer(token))
        .send({ name: uniqueName(), displayName: 'Sneaky', permissions: [HOST_PERMISSION.name] })
        .expect(403);
      expect(res.body.code).toBe('PRIVILEGE_ESCALATION');
      expect(res.body.message).toMatch(/reports_data$/);
    });
  });

  describe('protected by default', () => {
    it('closes a host route without any decorator to anonymous callers (401 UNAUTHENTICATED)', async () => {
      const res = await t.http().get('/reports/about').expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('opens it to any authenticated caller', async () => {
      const { token } = await userWithToken(t, { role: 'viewer' });
      await t.http().get('/reports/about').set(bearer(token)).expect(200, { ok: true });
    });
  });

  describe('PermissionsService.userHasPermission', () => {
    it('answers for real users, honouring full_access, inactive users and API users', async () => {
      const service = t.app.get(PermissionsService);
      const analyst = await createUserRow(t, { role: 'process_analyst' });
      const inactive = await createUserRow(t, { role: 'administrator', isActive: false });
      const apiWithout = await apiCallerWith(t, ['reports_data']);
      const apiWith = await apiCallerWith(t, ['reports_data', 'api_access']);
      const cases: [number, string, boolean][] = [
        [admin.userId, 'manage_users', true],
        [admin.userId, 'reports_data', true],
        [analyst.id, 'portfolio_data', true],
        [analyst.id, 'manage_users', false],
        [inactive.id, 'portfolio_data', false],
        [apiWithout.user.id, 'reports_data', false],
        [apiWith.user.id, 'reports_data', true],
        [apiWith.user.id, 'portfolio_data', false],
        [999_999, 'portfolio_data', false],
      ];
      for (const [userId, permission, expected] of cases) {
        expect([userId, permission, await service.userHasPermission(userId, permission)]).toEqual([
          userId,
          permission,
          expected,
        ]);
      }
    });

    it('follows a role edit at once', async () => {
      const service = t.app.get(PermissionsService);
      const { user, role } = await callerWith(t, ['portfolio_data']);
      expect(await service.userHasPermission(user.id, 'portfolio_data')).toBe(true);
      await t
        .http()
        .patch(`${ROLES_PATH}/${role}`)
        .set(bearer(admin.token))
        .send({ permissions: ['ai_analysis_data'] })
        .expect(200);
      expect(await service.userHasPermission(user.id, 'portfolio_data')).toBe(false);
    });
  });

  describe('the OpenAPI document', () => {
    it('shows the bearer requirement and the error responses of each route', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      const ops = [
        ['/auth/api/permissions', 'get', 'listPermissions'],
        ['/auth/api/roles', 'get', 'listRoles'],
        ['/auth/api/roles', 'post', 'createRole'],
        ['/auth/api/roles/{name}', 'get', 'getRole'],
        ['/auth/api/roles/{name}', 'patch', 'updateRole'],
        ['/auth/api/roles/{name}', 'delete', 'deleteRole'],
      ];
      for (const [path, method, operationId] of ops) {
        const op = doc.paths[path][method];
        expect(op.operationId).toBe(operationId);
        expect(op.summary.length).toBeGreaterThan(0);
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
      expect(Object.keys(doc.paths['/auth/api/roles/{name}'].delete.responses)).toEqual(
        expect.arrayContaining(['204', '404', '409']),
      );
      expect(doc.components.schemas.UpdateRoleDto.properties.name).toBeUndefined();
    });
  });
});

describe('host permission registration at boot', () => {
  it('stops the boot on a clash with a built-in name, with a clear message', async () => {
    const database = await freshDatabase();
    const cache = await freshCache();
    try {
      await expect(
        startTestApp({
          database,
          cache,
          app: { permissions: [{ name: 'manage_users', description: 'mine' }] },
        }),
      ).rejects.toThrow("Permission 'manage_users' clashes with a built-in permission");
    } finally {
      await database.dispose();
      await cache.dispose();
    }
  });

  it('stops the boot on a malformed name', async () => {
    const database = await freshDatabase();
    const cache = await freshCache();
    try {
      await expect(
        startTestApp({ database, cache, app: { permissions: [{ name: 'Reports-Data', description: 'x' }] } }),
      ).rejects.toThrow(/Permission 'Reports-Data' is not a valid name/);
    } finally {
      await database.dispose();
      await cache.dispose();
    }
  });
});
