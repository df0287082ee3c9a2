import { describe, expect, it } from 'vitest';
import { containsPattern, searchPattern } from './user-list.query.js';

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

describe('searchPattern', () => {
  it.each([
    ['a', 'a%'],
    ['ab', 'ab%'],
    ['%', '\\%%'],
    ['ü_', 'ü\\_%'],
    ['abc', '%abc%'],
    ['😀😀', '😀😀%'],
  ])('%s: one or two characters match a prefix, three or more anywhere', (text, pattern) => {
    expect(searchPattern(text)).toBe(pattern);
  });
});
