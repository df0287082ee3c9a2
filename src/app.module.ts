import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppCacheModule } from './cache/cache.module.js';
import { iamOptionsFromEnv } from './config/app-config.js';
import { type EnvSchema, validateEnv } from './config/env.schema.js';
import type { PermissionDefinition } from './config/iam-options.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
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
}

/** The standalone service: configuration, database, cache, logging, health and the IAM modules. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    // A bad registration stops the boot here, before the database or the cache is opened.
    buildCatalog(options.permissions ?? []);
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
          useFactory: () => ({
            ...iamOptionsFromEnv(validateEnv(process.env)),
            permissions: options.permissions ?? [],
            ...(options.bootstrapAdmin === false ? { initialAdmin: undefined } : {}),
          }),
        }),
        ...(options.extraModules ?? []),
      ],
      providers: [
        { provide: AsyncStdout, useValue: stdout },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
