import { Writable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AsyncStdout, accessLogHook, loggerParams } from './logging.js';

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
  it('flushes at shutdown without failing, opened or not', () => {
    expect(() => new AsyncStdout().onApplicationShutdown()).not.toThrow();
  });
});

describe('accessLogHook', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write: (chunk, _e, done) => {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const root = pino(optionsOf(loggerParams('info', false)) as Parameters<typeof pino>[0], sink);
    return { lines, hook: accessLogHook(root as unknown as Parameters<typeof accessLogHook>[0]) };
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
});
