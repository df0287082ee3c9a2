import type { Response } from 'supertest';
import { expect } from 'vitest';
import { ERROR_STATUS } from '../../src/common/errors/error-codes.js';

/** An error answer of the contract: exactly {statusCode, error, code, message[, details]}, code matching the status. */
export function expectErrorShape(res: Response): void {
  const body = res.body as Record<string, unknown>;
  const where = `${res.status} ${JSON.stringify(body)}`;
  expect(body, where).toBeTypeOf('object');
  const keys = Object.keys(body ?? {}).filter((k) => k !== 'details' && k !== 'checks');
  expect(keys.sort(), where).toEqual(['code', 'error', 'message', 'statusCode']);
  expect(body.statusCode, where).toBe(res.status);
  expect(typeof body.error === 'string' && typeof body.message === 'string', where).toBe(true);
  expect(ERROR_STATUS[body.code as keyof typeof ERROR_STATUS], where).toBe(res.status);
}

/** What no answer may ever hold, and what no error answer may hold. */
const NEVER = [/\$argon2/i, /\n\s+at\s/, /node_modules/, /QueryFailedError/];
const NEVER_IN_ERRORS = [
  /eyJ[A-Za-z0-9_-]{8,}/,
  /\bSELECT\b/i,
  /\bINSERT\b/i,
  /\bUPDATE\s+"?\w+"?\s+SET\b/i,
  /syntax error/i,
  /violates/i,
  /\brelation\b/i,
  /\bpg_/i,
  /\s{4}at\s/,
];

/**
 * Fails when an answer carries a hash, a stack, SQL or (in an error) a token.
 * `sent` is what the request itself carried: an error that repeats the
 * caller's own input (a role name from the path) leaks nothing.
 */
export function expectNoLeak(res: Response, what: string, sent = ''): void {
  const text = res.text ?? '';
  for (const re of NEVER) expect(re.test(text), `${what}: ${re} in ${text.slice(0, 400)}`).toBe(false);
  if (res.status < 400) return;
  for (const re of NEVER_IN_ERRORS) {
    const found = [...text.matchAll(new RegExp(re.source, `${re.flags.replace('g', '')}g`))].map((m) => m[0]);
    const leaked = found.filter((f) => !sent.includes(f));
    expect(leaked, `${what}: ${re} in ${text.slice(0, 400)}`).toEqual([]);
  }
}
