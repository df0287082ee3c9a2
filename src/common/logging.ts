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

const { chindingsSym, endSym, lsCacheSym, streamSym, timeSym } = pino.symbols;

/**
 * One JSON line per answered request, written when Fastify has sent the answer: id, method, path (never
 * the query string), user agent, status, time in ms; at error level from 500, warn from 400, info below.
 * The line holds exactly those fields (the ones `loggerParams`' serializers pick), so it is written as
 * pino writes a line, with the same level, time, bindings and ending, to the same destination, without
 * pino's pass over the object: the fields are known, and each string is quoted by JSON.stringify.
 */
export function accessLogHook(root: Logger) {
  // What pino puts around the fields of every line of this logger: its level prefixes, time, bindings, ending.
  const part = <T>(symbol: symbol) => (root as unknown as Record<symbol, T>)[symbol];
  const starts = part<Record<number, string>>(lsCacheSym);
  const time = part<() => string>(timeSym);
  const bindings = part<string>(chindingsSym);
  const end = part<string>(endSym);
  const stream = part<DestinationStream>(streamSym);
  const levels = root.levels.values;
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (root.isLevelEnabled(level)) {
      const url = request.url;
      const query = url.indexOf('?');
      const agent = request.headers['user-agent'];
      const fields =
        `,"req":{"id":${JSON.stringify(String(request.id))},"method":${JSON.stringify(request.method)}` +
        `,"path":${JSON.stringify(query === -1 ? url : url.slice(0, query))}` +
        (typeof agent === 'string' ? `,"userAgent":${JSON.stringify(agent)}}` : '}') +
        `,"res":{"statusCode":${status}},"responseTime":${Math.round(reply.elapsedTime)}` +
        (status >= 500
          ? `,"err":{"type":"Error","message":"failed with status code ${status}"},"msg":"request errored"`
          : ',"msg":"request completed"');
      stream.write(starts[levels[level]!] + time.call(root) + bindings + fields + end);
    }
    done();
  };
}

/**
 * Characters of log lines gathered before they are written, and the longest a line waits for that. Each
 * asynchronous write hands its buffer to a libuv worker thread and back, which costs far more CPU than the
 * write itself: the larger the batch, the fewer hand-offs per line. The lines still leave within 100 ms.
 */
const LOG_BATCH_CHARS = 32 * 1024;
const LOG_BATCH_MS = 100;

/** What AsyncStdout writes through: sonic-boom, as pino.destination makes it. */
export type LineSink = Pick<ReturnType<typeof pino.destination>, 'write' | 'flush' | 'flushSync'>;

const stdoutSink = (): LineSink =>
  // Each batch arrives as one write, and goes out at once unless a write is in flight.
  pino.destination({ dest: 1, sync: false, minLength: 0, maxWrite: 4 * LOG_BATCH_CHARS });

/**
 * Standard output through an asynchronous destination, so a request never waits for write(2). Lines are
 * gathered here and handed to sonic-boom as one string once 32 K characters are waiting or 100 ms have
 * passed, whichever comes first. They are gathered here rather than in sonic-boom because sonic-boom
 * measures the bytes of its whole pending buffer on every write, which over a 32 KB batch cost more than
 * building the line. Gathered lines are written synchronously on 'exit' (a fatal error) and at shutdown,
 * since a process ended by the signal Nest re-raises after closing gets no 'exit' event.
 */
export class AsyncStdout implements OnApplicationShutdown {
  private sink?: LineSink;
  private timer?: NodeJS.Timeout;
  private lines: string[] = [];
  private chars = 0;
  private readonly onExit = () => this.flushSync();

  constructor(private readonly openSink: () => LineSink = stdoutSink) {}

  /** The destination pino writes each line to. */
  open(): DestinationStream {
    if (!this.sink) {
      this.sink = this.openSink();
      this.timer = setInterval(() => this.flush(), LOG_BATCH_MS);
      this.timer.unref();
      process.once('exit', this.onExit);
    }
    return { write: (line: string) => this.write(line) };
  }

  private write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= LOG_BATCH_CHARS) this.handOver();
  }

  private handOver(): void {
    if (this.chars === 0 || !this.sink) return;
    const batch = this.lines.join('');
    this.lines = [];
    this.chars = 0;
    this.sink.write(batch);
  }

  /** Writes what is gathered now, without waiting for the batch to fill (the boot's "ready" line). */
  flush(): void {
    this.handOver();
    try {
      this.sink?.flush();
    } catch {
      // a write is starting: the next tick or the shutdown writes the lines
    }
  }

  private flushSync(): void {
    this.handOver();
    try {
      this.sink?.flushSync();
    } catch {
      // nothing buffered, already closed, or stdout is gone: nothing left to save
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
    this.flushSync();
  }
}
