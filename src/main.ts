import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { tuneV8Tiering } from './common/v8-tiering.js';
import { validateEnv } from './config/env.schema.js';

// Before the application's modules load: their functions are then counted with it from their first call.
tuneV8Tiering();

async function bootstrap(): Promise<void> {
  const env = validateEnv(process.env);
  // PGlite starts (restoring or reopening its folder) while the application's modules load below.
  if (!env.DATABASE_URL) {
    const { EmbeddedDatabase } = await import('./database/embedded-database.js');
    EmbeddedDatabase.openEarly(env.DATA_DIR);
  }
  const [{ createApp }, { Logger }, { AsyncStdout }] = await Promise.all([
    import('./app.factory.js'),
    import('@nestjs/common'),
    import('./common/logging.js'),
  ]);
  const app = await createApp();
  await app.listen({ port: env.PORT, host: env.HOST });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  const origin = `http://${host}:${port}`;
  // "listening on <origin>" is what scripts and tests wait for; the console's address comes first for people.
  const where = env.ADMIN_CONSOLE_ENABLED ? `ready at ${origin}/admin/ (admin console)` : 'ready';
  new Logger('Bootstrap').log(
    `champa-iam ${where}, listening on ${origin} (Swagger UI: ${origin}/docs; ` +
      `database: ${env.DATABASE_URL ? 'PostgreSQL' : `embedded, ${env.DATA_DIR}`}; cache: ${env.REDIS_URL ? 'Redis' : 'in-process'})`,
  );
  // Whoever waits for that line need not wait for the next batch of log lines.
  app.get(AsyncStdout).flush();
}

bootstrap().catch((err: Error) => {
  // The logger may not exist yet (a bad environment stops the boot before it): plain stderr. The
  // message says what to do (a locked DATA_DIR, a bad variable); the stack only helps a developer.
  const debug = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
  process.stderr.write(`champa-iam failed to start: ${debug ? (err.stack ?? err.message) : err.message}\n`);
  process.exit(1);
});
