import { NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { CacheUnavailableError } from '../../cache/app-cache.js';
import { RoleInUseError } from '../../roles/roles.errors.js';
import { DomainError, ValidationFailedError } from './domain-error.js';
import { mapError } from './error-body.js';

const queryError = (code: string) =>
  new QueryFailedError('SELECT secret FROM t', [], Object.assign(new Error('boom'), { code }));

describe('mapError', () => {
  it('maps a domain error to its status, code and message', () => {
    expect(mapError(new RoleInUseError(2)).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'ROLE_IN_USE',
      message: 'Cannot delete role. 2 user(s) are assigned to this role',
    });
  });

  it('keeps validation details and Retry-After', () => {
    const v = mapError(new ValidationFailedError([{ field: 'name', message: 'bad' }]));
    expect(v.body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      details: [{ field: 'name', message: 'bad' }],
    });
    const locked = mapError(new DomainError('ACCOUNT_LOCKED', 'locked', { retryAfterSeconds: 30 }));
    expect(locked.retryAfterSeconds).toBe(30);
    expect(locked.body.statusCode).toBe(429);
  });

  it('answers framework errors in the contract shape', () => {
    expect(mapError(new NotFoundException('Cannot GET /x')).body).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Not found',
    });
    expect(
      mapError(Object.assign(new Error('bad url'), { statusCode: 400, code: 'FST_ERR_BAD_URL' })).body,
    ).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(
      mapError(Object.assign(new Error('long'), { statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' })).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: 'A path parameter is too long',
    });
    expect(
      mapError(Object.assign(new Error('big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).body
        .code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an outage of PostgreSQL or Redis with 503 DEPENDENCY_UNAVAILABLE', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      queryError('57P01'),
      Object.assign(new Error('database "iam" is not currently accepting connections'), {
        code: '55000',
        severity: 'FATAL',
      }),
      Object.assign(new Error('database "iam" does not exist'), { code: '3D000', severity: 'FATAL' }),
      new Error('Connection terminated unexpectedly'),
      new CacheUnavailableError(),
    ]) {
      const m = mapError(err);
      expect(m.body).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect(m.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('never answers 500 for malformed input that reached the database, and never leaks SQL', () => {
    for (const code of ['22021', '22P02', '22001']) {
      const m = mapError(queryError(code));
      expect(m.body.statusCode).toBe(400);
      expect(JSON.stringify(m.body)).not.toContain('SELECT');
    }
    expect(mapError(queryError('23505')).body).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
  });

  it('answers anything unexpected with a bare 500', () => {
    const m = mapError(new TypeError('x is undefined at /src/secret.ts:10'));
    expect(m.unexpected).toBe(true);
    expect(m.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
  });
});
