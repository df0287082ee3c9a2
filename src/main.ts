import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { validateEnv } from './config/env.schema.js';

async function bootstrap(): Promise<void> {
  const env = validateEnv(process.env);
  const app = await createApp();
  await app.listen({ port: env.PORT, host: env.HOST });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  new Logger('Bootstrap').log(
    `champa-iam listening on http://${host}:${port} (Swagger UI: http://${host}:${port}/docs; ` +
      `database: ${env.DATABASE_URL ? 'PostgreSQL' : `embedded, ${env.DATA_DIR}`}; cache: ${env.REDIS_URL ? 'Redis' : 'in-process'})`,
  );
}

bootstrap().catch((err: Error) => {
  // The logger may not exist yet (a bad environment stops the boot before it): plain stderr. The
  // message says what to do (a locked DATA_DIR, a bad variable); the stack only helps a developer.
  const debug = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
  process.stderr.write(`champa-iam failed to start: ${debug ? (err.stack ?? err.message) : err.message}\n`);
  process.exit(1);
});
