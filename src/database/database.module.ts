import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EnvSchema } from '../config/env.schema.js';
import { buildDataSourceOptions } from './data-source-options.js';
import type { EmbeddedDatabase } from './embedded-database.js';

export const EMBEDDED_DATABASE = Symbol('EMBEDDED_DATABASE');

@Injectable()
class EmbeddedDatabaseCloser implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED_DATABASE) private readonly embedded: EmbeddedDatabase | null,
  ) {}

  // Closing PGlite is what lets the process exit at once instead of hanging;
  // the data source goes first so no query is cut off mid-flight.
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.close();
  }
}

@Module({
  providers: [
    {
      provide: EMBEDDED_DATABASE,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<EnvSchema, true>) => {
        if (config.get('DATABASE_URL')) return null;
        // Loaded for the embedded database only: a service on PostgreSQL never loads PGlite (some 5 MB).
        const { EmbeddedDatabase } = await import('./embedded-database.js');
        return EmbeddedDatabase.open(config.get('DATA_DIR'));
      },
    },
  ],
  exports: [EMBEDDED_DATABASE],
})
class EmbeddedDatabaseModule {}

/** The service's own connection: PostgreSQL when DATABASE_URL is set, PGlite under DATA_DIR otherwise. */
@Module({
  imports: [
    EmbeddedDatabaseModule,
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [ConfigService, EMBEDDED_DATABASE],
      useFactory: (config: ConfigService<EnvSchema, true>, embedded: EmbeddedDatabase | null) => ({
        ...buildDataSourceOptions(
          {
            url: config.get('DATABASE_URL'),
            poolSize: config.get('DATABASE_POOL_SIZE'),
            ssl: config.get('DATABASE_SSL'),
            migrationsRun: config.get('MIGRATIONS_RUN'),
          },
          embedded ?? undefined,
        ),
        // The entities of the modules that register them with TypeOrmModule.forFeature.
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
  ],
  providers: [EmbeddedDatabaseCloser],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
