import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './audit-cursor.js';
import { InvalidCursorError } from './audit.errors.js';

describe('audit cursor', () => {
  it('round-trips an id, opaquely', () => {
    const cursor = encodeCursor('9223372036854775807');
    expect(cursor).not.toContain('9223');
    expect(decodeCursor(cursor)).toBe('9223372036854775807');
  });

  it.each([
    '',
    '!!',
    'YWUxOjA',
    Buffer.from('ae1:01').toString('base64url'),
    Buffer.from('ae1:9223372036854775808').toString('base64url'),
    Buffer.from('ae1:-5').toString('base64url'),
    'x'.repeat(65),
  ])('refuses %j with INVALID_CURSOR', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
