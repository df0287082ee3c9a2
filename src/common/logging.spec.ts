import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AsyncStdout, loggerParams } from './logging.js';

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
