import { type DynamicModule, Global, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthenticationGuard } from './auth/authentication.guard.js';
import { IamThrottlerGuard } from './auth/throttling/iam-throttler.guard.js';
import { IAM_OPTIONS, type IamOptions } from './config/iam-options.js';
import { TransactionModule } from './database/transaction.module.js';
import { PermissionsGuard } from './roles/permissions.guard.js';
import { RolesModule } from './roles/roles.module.js';
import { UsersModule } from './users/users.module.js';

export interface IamModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => IamOptions | Promise<IamOptions>;
  /** Register the guards globally; mirrors IamOptions.globalGuards, which a factory cannot decide in time. */
  globalGuards?: boolean;
}

@Global()
@Module({})
class IamOptionsModule {
  static register(provider: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return { module: IamOptionsModule, imports, providers: [provider], exports: [IAM_OPTIONS] };
  }
}

const FEATURE_MODULES = [TransactionModule, AuditModule, RolesModule, UsersModule, AuthModule];

// In this order: the rate limit counts an authenticated caller by user id, and before permission checks.
function globalGuards(enabled: boolean): Provider[] {
  return enabled
    ? [
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useExisting: IamThrottlerGuard },
        { provide: APP_GUARD, useExisting: PermissionsGuard },
      ]
    : [];
}

/**
 * What a host application imports: users, roles, sessions, the permissions
 * guard and the audit log. The host provides the TypeORM connection (with
 * IAM_ENTITIES and IAM_MIGRATIONS) and a cache (AppCacheModule), or uses the
 * service's own AppModule, which does both.
 */
@Module({})
export class IamModule {
  static forRoot(options: IamOptions): DynamicModule {
    return {
      module: IamModule,
      imports: [IamOptionsModule.register({ provide: IAM_OPTIONS, useValue: options }), ...FEATURE_MODULES],
      providers: globalGuards(options.globalGuards),
      exports: FEATURE_MODULES,
    };
  }

  static forRootAsync(options: IamModuleAsyncOptions): DynamicModule {
    return {
      module: IamModule,
      imports: [
        IamOptionsModule.register(
          { provide: IAM_OPTIONS, inject: (options.inject ?? []) as never[], useFactory: options.useFactory },
          options.imports,
        ),
        ...FEATURE_MODULES,
      ],
      providers: globalGuards(options.globalGuards ?? true),
      exports: FEATURE_MODULES,
    };
  }
}
