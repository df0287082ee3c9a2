import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Params } from 'nestjs-pino';
import { type DestinationStream, type Logger, pino } from 'pino';
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
 * The application's logger: pino, at the configured level, to the given destination. nestjs-pino builds it
 * from these options and routes Nest's own log calls to it; it mounts no per-request middleware (no routes):
 * the access log is `accessLogHook`, one Fastify hook, which spares every request a child logger, an
 * AsyncLocalStorage context and a pass through the middleware engine.
 * The serializers are the redaction: they pick the few fields a line holds, so no header, body or
 * query string is ever serialized, and no path-based redaction has to walk every log object.
 */
export function loggerParams(level: string, pretty: boolean, destination?: DestinationStream): Params {
  const options: HttpLoggerOptions = {
    level,
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
  };
  return {
    forRoutes: [],
    pinoHttp: destination ? [options, destination] : options,
  };
}

type AccessLine = {
  req: { id: string; method: string; path: string; userAgent: string | undefined };
  res: { statusCode: number };
  responseTime: number;
  err?: { type: string; message: string };
};

/**
 * One JSON line per answered request, written when Fastify has sent the answer: id, method, path (never
 * the query string), user agent, status, time in ms; at error level from 500, warn from 400, info below.
 * The line is built from exactly those fields, so it is logged through a child whose req and res
 * serializers pass it as it is (the same fields `loggerParams`' serializers pick).
 */
export function accessLogHook(root: Logger) {
  const log = root.child({}, { serializers: { req: (x: unknown) => x, res: (x: unknown) => x } });
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (log.isLevelEnabled(level)) {
      const url = request.url;
      const query = url.indexOf('?');
      const agent = request.headers['user-agent'];
      const line: AccessLine = {
        req: {
          id: String(request.id),
          method: request.method,
          path: query === -1 ? url : url.slice(0, query),
          userAgent: typeof agent === 'string' ? agent : undefined,
        },
        res: { statusCode: status },
        responseTime: Math.round(reply.elapsedTime),
      };
      if (status >= 500) {
        line.err = { type: 'Error', message: `failed with status code ${status}` };
        log[level](line, 'request errored');
      } else {
        log[level](line, 'request completed');
      }
    }
    done();
  };
}

/**
 * Bytes of log lines gathered before they are written, and the longest a line waits for that. Each
 * asynchronous write hands its buffer to a libuv worker thread and back, which costs far more CPU than the
 * write itself: the larger the batch, the fewer hand-offs per line. The lines still leave within 100 ms.
 */
const LOG_BATCH_BYTES = 32 * 1024;
const LOG_BATCH_MS = 100;

/**
 * Standard output through an asynchronous destination, so a request never waits for write(2). Lines are
 * gathered and written together once 32 KB are waiting or 100 ms have passed, whichever comes first: one
 * write per line cost a system call's dispatch on every request under load. Buffered lines are written
 * synchronously on 'exit' (pino registers that, which covers a fatal error) and at shutdown, since a
 * process ended by the signal Nest re-raises after closing gets no 'exit' event.
 */
export class AsyncStdout implements OnApplicationShutdown {
  private stream?: ReturnType<typeof pino.destination>;
  private timer?: NodeJS.Timeout;

  open(): ReturnType<typeof pino.destination> {
    if (!this.stream) {
      const stream = pino.destination({
        dest: 1,
        sync: false,
        minLength: LOG_BATCH_BYTES,
        // sonic-boom wants its largest single write above the batch size.
        maxWrite: 2 * LOG_BATCH_BYTES,
      });
      this.stream = stream;
      this.timer = setInterval(() => this.flush(), LOG_BATCH_MS);
      this.timer.unref();
    }
    return this.stream;
  }

  /** Writes what is buffered now, without waiting for the batch to fill (the boot's "ready" line). */
  flush(): void {
    try {
      this.stream?.flush();
    } catch {
      // not open yet: the next tick or the shutdown writes the lines
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    if (!this.stream) return;
    try {
      this.stream.flushSync();
    } catch {
      // not open yet (nothing buffered), already closed, or stdout is gone: nothing left to save
    }
  }
}
