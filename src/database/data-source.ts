// The TypeORM CLI's data source: `npm run migration:run | migration:revert | migration:generate`.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from '../config/env.schema.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { EmbeddedDatabase } from './embedded-database.js';

const env = validateEnv(process.env);
const embedded = env.DATABASE_URL ? undefined : await EmbeddedDatabase.open(env.DATA_DIR);

const dataSource = new DataSource(
  buildDataSourceOptions(
    { url: env.DATABASE_URL, poolSize: 2, ssl: env.DATABASE_SSL, migrationsRun: false },
    embedded,
  ),
);

if (embedded) {
  // The CLI destroys the data source and exits; PGlite must be closed for the exit to be clean.
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    await destroy();
    await embedded.close();
  };
}

export default dataSource;
