import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { BAD_VALUE_STATES, FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from './sql-state.js';
import { DomainError, type FieldError } from './domain-error.js';
import { DEFAULT_CODE_FOR_STATUS, type ErrorCode } from './error-codes.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
}

export interface MappedError {
  body: ErrorBody;
  retryAfterSeconds?: number;
  /** Unexpected: log it with the request id. */
  unexpected: boolean;
}

// Connection-level failures of PostgreSQL or of the pool: the database is down, not the request wrong.
const PG_UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
const NET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection is not established/i,
  /terminating connection/i,
  /Cannot use a pool after calling end/i,
  /PGlite is closed/i,
];

export function isDependencyFailure(err: unknown): boolean {
  const e = err as {
    code?: unknown;
    severity?: unknown;
    driverError?: { code?: unknown; severity?: unknown };
    message?: unknown;
    name?: string;
  };
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (PG_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code)) return true;
  // PostgreSQL ends the session on a FATAL error (a database that refuses connections, 55000; one
  // dropped, 3D000; a failed login): whatever its code, the database cannot serve this request.
  const severity = e?.driverError?.severity ?? e?.severity;
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  if (e?.name === 'ConnectionIsNotSetError' || e?.name === 'CannotExecuteNotConnectedError') return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((re) => re.test(message));
}

function body(status: number, code: ErrorCode, message: string, details?: FieldError[]): ErrorBody {
  const b: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message };
  if (details) b.details = details;
  return b;
}

/** Framework errors (Fastify's own, body parsing) that carry a status of their own. */
function frameworkError(err: unknown): { status: number; message: string } | undefined {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.statusCode !== 'number' || e.statusCode < 400 || e.statusCode > 599) return undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413)
    return { status: 413, message: 'Request body is too large' };
  if (code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_ASYNC_CONSTRAINT')
    return { status: 400, message: 'Malformed request URL' };
  // A path parameter longer than any id or name the API hands out: the caller's mistake, said without the URL.
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return { status: 400, message: 'A path parameter is too long' };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415)
    return { status: 415, message: 'Unsupported Content-Type; send application/json' };
  if (
    code.startsWith('FST_ERR_CTP') ||
    code === 'FST_ERR_VALIDATION' ||
    (err as Error).name === 'SyntaxError'
  )
    return { status: 400, message: 'Malformed request body: not valid JSON' };
  if (e.statusCode < 500)
    return { status: e.statusCode, message: STATUS_CODES[e.statusCode] ?? 'Bad request' };
  return undefined;
}

/** The one map from anything thrown to the error body of the HTTP contract. */
export function mapError(err: unknown): MappedError {
  if (err instanceof DomainError) {
    return {
      body: body(err.status, err.code, err.message, err.options.details),
      retryAfterSeconds: err.options.retryAfterSeconds,
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = DEFAULT_CODE_FOR_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    if (status >= 500 && status !== 503) {
      return { body: body(500, 'INTERNAL_ERROR', 'Internal server error'), unexpected: true };
    }
    const res = err.getResponse();
    let message = err.message;
    if (typeof res === 'object' && res && 'message' in res) {
      const m = (res as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status === 404) message = 'Not found';
    if (status === 413) message = 'Request body is too large';
    if (status === 429) message = 'Too many requests; slow down';
    const retry = (err as HttpException & { retryAfterSeconds?: number }).retryAfterSeconds;
    return { body: body(status, code, message), retryAfterSeconds: retry, unexpected: false };
  }
  if (isDependencyFailure(err)) {
    return {
      body: body(503, 'DEPENDENCY_UNAVAILABLE', 'A backing service is unavailable; try again shortly'),
      retryAfterSeconds: 5,
      unexpected: false,
    };
  }
  const fw = frameworkError(err);
  if (fw) {
    const code = DEFAULT_CODE_FOR_STATUS[fw.status] ?? 'VALIDATION_FAILED';
    return { body: body(fw.status, code, fw.message), unexpected: false };
  }
  // Constraint violations that a module did not translate: still the caller's conflict, never a 500 with SQL.
  const state = sqlState(err);
  if (state === UNIQUE_VIOLATION)
    return { body: body(409, 'CONFLICT', 'Conflicts with an existing record'), unexpected: true };
  if (state === FOREIGN_KEY_VIOLATION)
    return { body: body(409, 'CONFLICT', 'Refers to a record that is in use or missing'), unexpected: true };
  // Malformed text (a NUL byte, bad encoding), a value out of range or too long for its column.
  if (state && BAD_VALUE_STATES.has(state))
    return { body: body(400, 'VALIDATION_FAILED', 'A value is out of range or malformed'), unexpected: true };
  return { body: body(500, 'INTERNAL_ERROR', 'Internal server error'), unexpected: true };
}
