import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's X-Request-Id when it is a sane token, a fresh UUID otherwise. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Paths never logged: credentials in headers or bodies, wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.temporaryPassword',
  '*.accessToken',
  '*.apiToken',
  '*.token',
  '*.passwordHash',
];

/** One JSON line per request: id, method, path (never the query string), status, time. */
export function loggerParams(level: string, pretty: boolean): Params {
  return {
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      // Fastify assigned the id already (and echoes it as X-Request-Id); other hosts get one here.
      genReqId: (req: IncomingMessage & { id?: unknown }, res: ServerResponse) => {
        if (typeof req.id === 'string') return req.id;
        const id = requestIdFor(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          // The query string is dropped: a client may put a token there even though it is never read from it.
          path: String(req.url ?? '').split('?')[0],
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      quietReqLogger: true,
    },
  };
}
