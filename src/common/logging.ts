import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { type DestinationStream, pino } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's X-Request-Id when it is a sane token, a fresh UUID otherwise. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * What an error contributes to a log line: its class, message and stack, never its other properties
 * (a failed query carries its parameters, which may hold a password hash or a token id).
 */
function errorFields(err: { name?: unknown; type?: unknown; message?: unknown; stack?: unknown }) {
  return { type: err?.name ?? err?.type, message: err?.message, stack: err?.stack };
}

/**
 * One JSON line per request: id, method, path (never the query string), status, time.
 * The serializers are the redaction: they pick the few fields a line holds, so no header, body or
 * query string is ever serialized, and no path-based redaction has to walk every log object.
 */
export function loggerParams(level: string, pretty: boolean, destination?: DestinationStream): Params {
  const options: HttpLoggerOptions = {
    level,
    // Fastify assigned the id already (and echoes it as X-Request-Id); other hosts get one here.
    genReqId: (req: IncomingMessage & { id?: unknown }, res: ServerResponse) => {
      if (typeof req.id === 'string') return req.id;
      const id = requestIdFor(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
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
      err: errorFields,
    },
    // pino-pretty writes from a worker thread of its own; a given destination takes plain JSON.
    transport: pretty && !destination ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    quietReqLogger: true,
  };
  return {
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: destination ? [options, destination] : options,
  };
}

/**
 * Standard output through an asynchronous destination, so a request never waits for write(2): lines
 * queue while a write is in flight and go out together. Buffered lines are written synchronously on
 * 'exit' (pino registers that, which covers a fatal error) and at shutdown, since a process ended by
 * the signal Nest re-raises after closing gets no 'exit' event.
 */
export class AsyncStdout implements OnApplicationShutdown {
  private stream?: ReturnType<typeof pino.destination>;

  open(): ReturnType<typeof pino.destination> {
    return (this.stream ??= pino.destination({ dest: 1, sync: false }));
  }

  onApplicationShutdown(): void {
    if (!this.stream) return;
    try {
      this.stream.flushSync();
    } catch {
      // not open yet (nothing buffered), already closed, or stdout is gone: nothing left to save
    }
  }
}
