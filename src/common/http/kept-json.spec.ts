import { describe, expect, it } from 'vitest';
import { jsonOf, keepJson } from './kept-json.js';

describe('kept JSON', () => {
  it('serializes a kept answer once and sends that text every time', () => {
    const inner = { at: new Date(0), tags: ['a', 'b'] };
    const answer = keepJson({ id: 1, inner });
    expect(Object.isFrozen(answer)).toBe(true);
    expect(jsonOf(answer)).toBe(JSON.stringify({ id: 1, inner }));
    // The text is the one built when the answer was kept.
    let reads = 0;
    Object.defineProperty(inner, 'late', { enumerable: true, get: () => ++reads });
    expect(jsonOf(answer)).toBe('{"id":1,"inner":{"at":"1970-01-01T00:00:00.000Z","tags":["a","b"]}}');
    expect(reads).toBe(0);
  });

  it('serializes anything else as JSON.stringify does', () => {
    const plain = { a: 1, b: [null, 'x'], c: undefined };
    expect(jsonOf(plain)).toBe(JSON.stringify(plain));
    expect(jsonOf([1, 2])).toBe('[1,2]');
    expect(jsonOf('text')).toBe('"text"');
    expect(jsonOf(null)).toBe('null');
    expect(jsonOf(3)).toBe('3');
  });

  it('refuses a change to a kept answer', () => {
    const answer = keepJson({ id: 1 }) as { id: number };
    expect(() => {
      answer.id = 2;
    }).toThrow(TypeError);
  });
});
