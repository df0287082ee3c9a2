import { type DynamicModule, Global, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, RouterModule, type Routes } from '@nestjs/core';
import { AdminConsoleModule, RootRedirectModule } from './admin-console/admin-console.module.js';
import { type AdminConsoleOptions, resolveAdminConsole } from './config/admin-console.options.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthenticationGuard } from './auth/authentication.guard.js';
import { IamThrottlerGuard } from './auth/throttling/iam-throttler.guard.js';
import { defineIamOptions, type IamOptionsInput, normalizeRoutePrefix } from './config/define-iam-options.js';
import { IAM_OPTIONS } from './config/iam-options.js';
import { TransactionModule } from './database/transaction.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { Clock } from './common/clock.js';
import { IAM_HTTP_MODULES, IamErrorFilter, IamRoutesGuard, validateIamRoutes } from './iam-routes.js';
import { MetricsHttpModule, MetricsModule } from './metrics/metrics.module.js';
import { PermissionsGuard } from './roles/permissions.guard.js';
import { RolesModule } from './roles/roles.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersDataModule } from './users/users-data.module.js';

/** What decides the module's shape; a factory's answer comes too late for it, so forRootAsync takes it apart. */
export interface IamModuleShape {
  /** Mount the HTTP routes (default true); without them a host uses the services only. */
  mountControllers?: boolean;
  /** Register the authentication, rate-limit and permission guards for every route (default true). */
  globalGuards?: boolean;
  /** Where the routes live (default `auth/api`). */
  routePrefix?: string;
  /** Count requests, logins, lockouts, denials and cache use, and serve GET /metrics (default false). */
  metrics?: boolean;
  /** Serve the admin console (default off in a host; the service turns it on at /admin). */
  adminConsole?: AdminConsoleOptions | false;
  /**
   * Which errors answer with the contract's error body: the IAM's own, on any route of the host (default),
   * or every error of the application, as the service does.
   */
  errorBodies?: 'iam' | 'all';
}

export interface IamModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'>, IamModuleShape {
  inject?: unknown[];
  /** The options; what the shape fields above decide is taken from there, not from this answer. */
  useFactory: (...args: never[]) => IamOptionsInput | Promise<IamOptionsInput>;
}

// The options and the clock: what every IAM module reads, and one instance of each for all of them (a test
// that moves the clock moves it for every module).
@Global()
@Module({})
class IamOptionsModule {
  static register(provider: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return { module: IamOptionsModule, imports, providers: [provider, Clock], exports: [IAM_OPTIONS, Clock] };
  }
}

// UsersDataModule is global: the roles module asks it who holds a role (RoleMembers) without importing users.
const FEATURE_MODULES = [
  TransactionModule,
  AuditModule,
  UsersDataModule,
  RolesModule,
  UsersModule,
  AuthModule,
];

// In this order: the rate limit counts an authenticated caller by user id, and before permission checks.
function guards(global: boolean): Provider[] {
  if (!global) return [IamRoutesGuard, { provide: APP_GUARD, useExisting: IamRoutesGuard }];
  return [
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: IamThrottlerGuard },
    { provide: APP_GUARD, useExisting: PermissionsGuard },
  ];
}

/** Everything the module registers for the whole application, in one place. */
function globals(shape: IamModuleShape): Provider[] {
  return [
    ...guards(shape.globalGuards ?? true),
    { provide: APP_FILTER, useClass: shape.errorBodies === 'all' ? AllExceptionsFilter : IamErrorFilter },
  ];
}

function build(shape: IamModuleShape, options: Provider, imports?: ModuleMetadata['imports']): DynamicModule {
  validateIamRoutes();
  const mount = shape.mountControllers ?? true;
  const metrics = shape.metrics ?? false;
  const prefix = normalizeRoutePrefix(shape.routePrefix);
  const routes: Routes = [];
  if (mount) routes.push(...IAM_HTTP_MODULES.map((module) => ({ path: prefix, module })));
  if (mount && metrics) routes.push({ path: 'metrics', module: MetricsHttpModule });
  const adminConsole = resolveAdminConsole(shape.adminConsole);
  const consoleModules: ModuleMetadata['imports'] = [];
  if (adminConsole) {
    routes.push({ path: adminConsole.path, module: AdminConsoleModule });
    consoleModules.push(AdminConsoleModule.register(adminConsole, prefix));
    if (adminConsole.redirectRoot) consoleModules.push(RootRedirectModule.to(`/${adminConsole.path}/`));
  }
  return {
    module: IamModule,
    imports: [
      IamOptionsModule.register(options, imports),
      ...(metrics ? [MetricsModule] : []),
      ...FEATURE_MODULES,
      ...routes.filter((r) => r.module !== AdminConsoleModule).map((r) => r.module!),
      ...consoleModules,
      ...(routes.length > 0 ? [RouterModule.register(routes)] : []),
    ],
    providers: globals(shape),
    exports: FEATURE_MODULES,
  };
}

/**
 * What a host application imports: users, roles, sessions, the permissions
 * guard and the audit log. The host provides the TypeORM connection (with
 * IAM_ENTITIES and IAM_MIGRATIONS) and a cache (AppCacheModule), or uses the
 * service's own AppModule, which does both.
 */
@Module({})
export class IamModule {
  static forRoot(input: IamOptionsInput): DynamicModule {
    const options = defineIamOptions(input);
    return build(options, { provide: IAM_OPTIONS, useValue: options });
  }

  static forRootAsync(async: IamModuleAsyncOptions): DynamicModule {
    const { imports, inject, useFactory, ...shape } = async;
    return build(
      shape,
      {
        provide: IAM_OPTIONS,
        inject: (inject ?? []) as never[],
        useFactory: async (...args: never[]) => ({
          ...defineIamOptions(await useFactory(...args)),
          mountControllers: shape.mountControllers ?? true,
          globalGuards: shape.globalGuards ?? true,
          routePrefix: normalizeRoutePrefix(shape.routePrefix),
          metrics: shape.metrics ?? false,
          adminConsole: resolveAdminConsole(shape.adminConsole),
        }),
      },
      imports,
    );
  }
}
