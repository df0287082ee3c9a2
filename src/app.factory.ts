import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions, serviceConsole } from './app.module.js';
import { validateEnv } from './config/env.schema.js';
import { mapError } from './common/errors/error-body.js';
import { jsonOf } from './common/http/kept-json.js';
import { API_PREFIX } from './common/http/routes.js';
import { securityHeaders } from './common/http/security-headers.js';
import { accessLogHook, requestIdFor } from './common/logging.js';
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
  const adminConsole = serviceConsole(options, env);
  const headersFor = securityHeaders(adminConsole ? adminConsole.path : false);
  const fastify = app.getHttpAdapter().getInstance();
  // Set before Nest registers the routes (at init), which take the serializer in force then.
  fastify.setReplySerializer(jsonOf);
  fastify.addHook('onResponse', accessLogHook(PinoLogger.root));
  fastify.addHook('onRequest', (req, reply, done) => {
    // protocol is https over TLS, or from X-Forwarded-Proto when TRUST_PROXY is on.
    reply.headers(headersFor(req.url, req.protocol === 'https'));
    reply.header('X-Request-Id', req.id);
    // Tokens, temporary passwords and account data: no cache may keep any answer of the API, errors included.
    if (underApi(req.url)) reply.header('Cache-Control', 'no-store');
    done();
  });
  if (env.SWAGGER_ENABLED) setupSwagger(app);
  app.enableShutdownHooks();
  return app;
}
