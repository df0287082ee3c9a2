import { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AsyncStdout, accessLogHook, type LineSink, loggerParams } from './logging.js';

type Options = { serializers: Record<string, (v: unknown) => unknown>; transport?: unknown };

function optionsOf(params: ReturnType<typeof loggerParams>): Options {
  const http = params.pinoHttp;
  return (Array.isArray(http) ? http[0] : http) as unknown as Options;
}

describe('loggerParams', () => {
  const { serializers } = optionsOf(loggerParams('info', false));

  it('serializes a request as id, method, path and agent: no header, no query string', () => {
    const line = serializers.req({
      id: 'r1',
      method: 'GET',
      url: '/auth/api/me?access_token=secret',
      headers: { authorization: 'Bearer secret', cookie: 'a=secret', 'user-agent': 'ua/1' },
    });
    expect(line).toEqual({ id: 'r1', method: 'GET', path: '/auth/api/me', userAgent: 'ua/1' });
  });

  it('serializes an error as its type, message and stack only', () => {
    const err = Object.assign(new TypeError('bad'), {
      parameters: ['$argon2id$secret-hash'],
      query: 'UPDATE',
    });
    const line = serializers.err(err) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['message', 'stack', 'type']);
    expect(line).toMatchObject({ type: 'TypeError', message: 'bad' });
    expect(JSON.stringify(line)).not.toContain('secret-hash');
  });

  it('writes to a given destination as plain JSON, and pretty-prints only to the console', () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const given = loggerParams('info', true, sink);
    expect(Array.isArray(given.pinoHttp)).toBe(true);
    expect(optionsOf(given).transport).toBeUndefined();
    expect(optionsOf(loggerParams('info', true)).transport).toMatchObject({ target: 'pino-pretty' });
  });
});

describe('AsyncStdout', () => {
  /** A sink that keeps what it is handed, and counts its flushes. */
  function recorder() {
    const written: string[] = [];
    const flushes = { async: 0, sync: 0 };
    const sink: LineSink = {
      write: (text: string) => {
        written.push(text);
        return true;
      },
      flush: () => void flushes.async++,
      flushSync: () => void flushes.sync++,
    };
    return { sink, written, flushes };
  }
  const line = (n: number) => `${JSON.stringify({ n, pad: 'x'.repeat(990) })}\n`;

  it('flushes at shutdown without failing, opened or not', () => {
    expect(() => new AsyncStdout().onApplicationShutdown()).not.toThrow();
  });

  it('hands its sink one string per 32 K characters of lines, in order', () => {
    const { sink, written } = recorder();
    const stdout = new AsyncStdout(() => sink);
    const destination = stdout.open();
    try {
      const lines = Array.from({ length: 70 }, (_, i) => line(i));
      for (const l of lines) destination.write(l);
      // 1,004 characters a line: the 33rd and the 66th complete a batch.
      expect(written).toHaveLength(2);
      expect(written.join('')).toBe(lines.slice(0, 66).join(''));
    } finally {
      stdout.onApplicationShutdown();
    }
  });

  it('writes what is gathered on flush and at shutdown, synchronously at shutdown', () => {
    const { sink, written, flushes } = recorder();
    const stdout = new AsyncStdout(() => sink);
    const destination = stdout.open();
    destination.write(line(1));
    stdout.flush();
    expect(written).toEqual([line(1)]);
    expect(flushes.async).toBe(1);
    destination.write(line(2));
    stdout.onApplicationShutdown();
    expect(written).toEqual([line(1), line(2)]);
    expect(flushes.sync).toBe(1);
  });
});

describe('accessLogHook', () => {
  /** The hook over a pino logger of the service's options (and `extra`), with every line it writes. */
  function capture(level = 'info', extra: object = {}) {
    const texts: string[] = [];
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write: (chunk, _e, done) => {
        texts.push(String(chunk));
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const root = pino({ ...optionsOf(loggerParams(level, false)), ...extra } as never, sink);
    const hook = accessLogHook(root as unknown as Parameters<typeof accessLogHook>[0]);
    return { texts, lines, hook, root };
  }
  const request = (url: string) =>
    ({
      id: 'r1',
      method: 'GET',
      url,
      headers: { authorization: 'Bearer secret', cookie: 'a=secret', 'user-agent': 'ua/1' },
    }) as unknown as FastifyRequest;
  const reply = (statusCode: number) => ({ statusCode, elapsedTime: 1.6 }) as unknown as FastifyReply;

  it('writes one line per answer: id, method, path without the query, agent, status, time', () => {
    const { lines, hook } = capture();
    let called = 0;
    hook(request('/auth/api/me?access_token=secret'), reply(200), () => called++);
    expect(called).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'r1', method: 'GET', path: '/auth/api/me', userAgent: 'ua/1' },
      res: { statusCode: 200 },
      responseTime: 2,
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('logs a refusal at warn and a failure at error', () => {
    const { lines, hook } = capture();
    hook(request('/x'), reply(404), () => undefined);
    hook(request('/x'), reply(503), () => undefined);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'request completed'],
      [50, 'request errored'],
    ]);
    expect(lines[1].err).toEqual({ type: 'Error', message: 'failed with status code 503' });
  });

  it('writes, byte for byte, the line pino itself writes for those fields', () => {
    const { texts, hook, root } = capture('info', { timestamp: () => ',"time":1' });
    const asIs = root.child({}, { serializers: { req: (x: unknown) => x, res: (x: unknown) => x } });
    const odd = {
      id: 'r"2',
      method: 'GET',
      url: '/a\\b/é"x?q=secret',
      headers: {},
    } as unknown as FastifyRequest;
    hook(odd, reply(201), () => undefined);
    asIs.info(
      { req: { id: 'r"2', method: 'GET', path: '/a\\b/é"x' }, res: { statusCode: 201 }, responseTime: 2 },
      'request completed',
    );
    hook(request('/x'), reply(500), () => undefined);
    asIs.error(
      {
        req: { id: 'r1', method: 'GET', path: '/x', userAgent: 'ua/1' },
        res: { statusCode: 500 },
        responseTime: 2,
        err: { type: 'Error', message: 'failed with status code 500' },
      },
      'request errored',
    );
    expect(texts).toHaveLength(4);
    expect(texts[0]).toBe(texts[1]);
    expect(texts[2]).toBe(texts[3]);
    expect(JSON.parse(texts[0]!)).toMatchObject({ time: 1, pid: process.pid, req: { path: '/a\\b/é"x' } });
  });

  it('writes nothing below the configured level', () => {
    const { lines, hook } = capture('warn');
    hook(request('/x'), reply(200), () => undefined);
    hook(request('/x'), reply(404), () => undefined);
    expect(lines.map((l) => l.level)).toEqual([40]);
  });
});
