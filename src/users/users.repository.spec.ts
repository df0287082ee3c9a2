import { describe, expect, it } from 'vitest';
import { containsPattern } from './users.repository.js';

describe('containsPattern', () => {
  it.each([
    ['alice', '%alice%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
    ["o'brien", "%o'brien%"],
    ['%_\\', '%\\%\\_\\\\%'],
  ])('matches %s literally', (text, pattern) => {
    expect(containsPattern(text)).toBe(pattern);
  });
});
