import type { DataSourceOptions } from 'typeorm';
import { IAM_MIGRATIONS } from '../../migrations/index.js';
import type { EmbeddedDatabase } from './embedded-database.js';

export interface DatabaseSettings {
  url?: string;
  poolSize: number;
  ssl: boolean;
  migrationsRun: boolean;
}

/**
 * TypeORM options for PostgreSQL (url given) or the embedded PGlite. No entity list: each module registers its
 * own (`TypeOrmModule.forFeature`, loaded with `autoLoadEntities`), and migrations need none.
 */
export function buildDataSourceOptions(
  settings: DatabaseSettings,
  embedded?: EmbeddedDatabase,
): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations: IAM_MIGRATIONS,
    migrationsRun: settings.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    installExtensions: false,
    applicationName: 'champa-iam',
    logging: false,
  };
  if (settings.url) {
    return {
      ...common,
      url: settings.url,
      poolSize: settings.poolSize,
      ssl: settings.ssl ? { rejectUnauthorized: true } : false,
      connectTimeoutMS: 5_000,
      extra: { idleTimeoutMillis: 30_000, statement_timeout: 30_000 },
    };
  }
  if (!embedded) throw new Error('The embedded database must be opened when no DATABASE_URL is set');
  return { ...common, extra: embedded.poolOptions() };
}
