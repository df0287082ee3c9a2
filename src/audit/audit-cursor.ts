import { InvalidCursorError } from './audit.errors.js';

const PREFIX = 'ae1:';
const MAX_BIGINT = 9223372036854775807n;

/** An opaque keyset cursor: the id the next page starts below. */
export function encodeCursor(id: string): string {
  return Buffer.from(`${PREFIX}${id}`, 'utf8').toString('base64url');
}

/** The id inside a cursor, or INVALID_CURSOR. */
export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw new InvalidCursorError();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^ae1:([1-9]\d{0,18})$/.exec(text);
  if (!match || BigInt(match[1]) > MAX_BIGINT) throw new InvalidCursorError();
  return match[1];
}
