import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { RootRedirectModule } from './admin-console/admin-console.module.js';
import { type AdminConsoleOptions, resolveAdminConsole } from './config/admin-console.options.js';
import { AppCacheModule } from './cache/cache.module.js';
import { iamOptionsFromEnv } from './config/app-config.js';
import { type EnvSchema, validateEnv } from './config/env.schema.js';
import type { PermissionDefinition } from './config/iam-options.js';
import { createValidationPipe } from './common/errors/validation.js';
import { AsyncStdout, loggerParams } from './common/logging.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { IamModule } from './iam.module.js';
import { buildCatalog } from './roles/permission-catalog.js';

export interface AppModuleOptions {
  logDestination?: NodeJS.WritableStream;
  /** Permissions added to the catalog, as a host application registers them. */
  permissions?: PermissionDefinition[];
  /** More modules to mount beside the IAM modules (a host's own controllers). */
  extraModules?: Type[];
  /** Create the initial administrator at boot when there is none (default true; the CLI does not). */
  bootstrapAdmin?: boolean;
  /** Count and serve GET /metrics (default true; an application context without HTTP has no use for it). */
  metrics?: boolean;
  /** The admin console (default: at /admin from the built dist/web, unless ADMIN_CONSOLE_ENABLED is false). */
  adminConsole?: AdminConsoleOptions | false;
}

/** The console the service serves: the caller's choice, else the environment's. */
export function serviceConsole(options: AppModuleOptions, env: EnvSchema = validateEnv(process.env)) {
  return resolveAdminConsole(options.adminConsole ?? (env.ADMIN_CONSOLE_ENABLED ? {} : false));
}

/** The standalone service: configuration, database, cache, logging, health and the IAM modules. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    // A bad registration stops the boot here, before the database or the cache is opened.
    buildCatalog(options.permissions ?? []);
    const env = validateEnv(process.env);
    const adminConsole = serviceConsole(options, env);
    const stdout = new AsyncStdout();
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateEnv, cache: true }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<EnvSchema, true>) => {
            const pretty = config.get('LOG_PRETTY');
            const destination = options.logDestination ?? (pretty ? undefined : stdout.open());
            return loggerParams(config.get('LOG_LEVEL'), pretty, destination);
          },
        }),
        DatabaseModule,
        AppCacheModule.fromConfig(),
        HealthModule,
        // The same validated environment ConfigModule checked at boot.
        IamModule.forRootAsync({
          metrics: options.metrics ?? true,
          errorBodies: 'all',
          adminConsole,
          useFactory: () => ({
            ...iamOptionsFromEnv(validateEnv(process.env)),
            permissions: options.permissions ?? [],
            ...(options.bootstrapAdmin === false ? { initialAdmin: undefined } : {}),
          }),
        }),
        // Without the console, a browser at / lands on the API's documentation.
        ...(!adminConsole && env.SWAGGER_ENABLED ? [RootRedirectModule.to('/docs')] : []),
        ...(options.extraModules ?? []),
      ],
      providers: [
        { provide: AsyncStdout, useValue: stdout },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
