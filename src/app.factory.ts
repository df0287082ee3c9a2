import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { validateEnv } from './config/env.schema.js';
import { mapError } from './common/errors/error-body.js';
import { API_PREFIX } from './common/http/routes.js';
import { requestIdFor } from './common/logging.js';
import { setupSwagger } from './swagger.js';

const API_ROOT = `/${API_PREFIX}`;
const underApi = (url: string) =>
  url === API_ROOT || url.startsWith(`${API_ROOT}/`) || url.startsWith(`${API_ROOT}?`);

export interface CreateAppOptions extends AppModuleOptions {
  /** Write logs to this stream instead of stdout (tests capture them). */
  logDestination?: NodeJS.WritableStream;
}

/** Builds the service exactly as `npm start` runs it; the e2e tests use the same function. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const env = validateEnv(process.env);
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    genReqId: (raw: IncomingMessage) => {
      const id = requestIdFor(raw);
      (raw as typeof raw & { id?: string }).id = id;
      return id;
    },
    routerOptions: { maxParamLength: 200 },
    // The router refuses a malformed URL or an over-long path parameter before any hook and
    // before Nest's exception layer: answer those in the contract's error body too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { body } = mapError(error);
      if (underApi(request.url)) void reply.header('Cache-Control', 'no-store');
      void reply.header('X-Request-Id', request.id).code(body.statusCode).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: true,
    // A failed boot is reported by the caller, in its own words: Nest would first print the buffered
    // lines and the error's stack trace.
    autoFlushLogs: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Without autoFlushLogs the lines buffered during the boot wait for this call, and so does every later one.
  app.flushLogs();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => {
      reply.header('X-Request-Id', req.id);
      // Tokens, temporary passwords and account data: no cache may keep any answer of the API, errors included.
      if (underApi(req.url)) reply.header('Cache-Control', 'no-store');
      done();
    });
  await app.register(helmet, {
    // Swagger UI needs inline styles and scripts from its own origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
  });
  if (env.SWAGGER_ENABLED) setupSwagger(app);
  app.enableShutdownHooks();
  return app;
}
