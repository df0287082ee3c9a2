import { describe, expect, it } from 'vitest';
import { inputShapeErrors, MAX_INPUT_DEPTH } from './input-shape.js';

const nested = (levels: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('inputShapeErrors', () => {
  it('finds nothing in clean input', () => {
    expect(inputShapeErrors({ a: 'x', b: [1, 'y', { c: null }], d: true })).toEqual([]);
    expect(inputShapeErrors(undefined)).toEqual([]);
    expect(inputShapeErrors('plain')).toEqual([]);
  });

  it('names each value holding U+0000, nested in objects and arrays', () => {
    expect(
      inputShapeErrors({ username: 'a\u0000b', roles: ['ok', '\u0000'], n: { deep: 'x\u0000' } }),
    ).toEqual([
      { field: 'username', message: 'username must not contain a NUL character' },
      { field: 'roles.1', message: 'roles.1 must not contain a NUL character' },
      { field: 'n.deep', message: 'n.deep must not contain a NUL character' },
    ]);
    expect(inputShapeErrors('\u0000')).toEqual([
      { field: 'body', message: 'body must not contain a NUL character' },
    ]);
  });

  it('names each value holding a lone surrogate, and keeps surrogate pairs (emoji) and other text', () => {
    expect(inputShapeErrors({ email: '\ud800', name: 'x\udc00y', ok: 'caf\u00e9 \ud83d\ude00' })).toEqual([
      { field: 'email', message: 'email must be well-formed Unicode text' },
      { field: 'name', message: 'name must be well-formed Unicode text' },
    ]);
    expect(inputShapeErrors({ ['k\ud800']: 1 })).toEqual([
      { field: 'body', message: 'a field name must be well-formed Unicode text' },
    ]);
  });

  it('refuses a key holding U+0000 without repeating the character', () => {
    expect(inputShapeErrors({ 'a\u0000': 1 })).toEqual([
      { field: 'a\\0', message: 'a field name must not contain a NUL character' },
    ]);
  });

  it(`accepts ${MAX_INPUT_DEPTH} levels of nesting and refuses one more, at any depth without recursion`, () => {
    expect(inputShapeErrors(nested(MAX_INPUT_DEPTH, 1))).toEqual([]);
    expect(inputShapeErrors(nested(MAX_INPUT_DEPTH + 1, 1))).toEqual([
      {
        field: Array(MAX_INPUT_DEPTH).fill('0').join('.'),
        message: `${Array(MAX_INPUT_DEPTH).fill('0').join('.')} is nested more than ${MAX_INPUT_DEPTH} levels deep`,
      },
    ]);
    expect(inputShapeErrors(nested(200_000, 'x'))).toHaveLength(1);
  });
});
