import type { FieldError } from './domain-error.js';

const NUL = '\u0000';
/** Half of a UTF-16 surrogate pair without its other half: text no UTF-8 store or validator can take. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** No request of the API nests deeper than a few levels; class-transformer recurses once per level. */
export const MAX_INPUT_DEPTH = 32;
const MAX_REPORTED = 20;

interface Place {
  parent: Place | null;
  key: string;
  value: unknown;
  depth: number;
}

const pathOf = (place: Place): string => {
  const keys: string[] = [];
  for (let p: Place | null = place; p?.parent; p = p.parent) keys.push(p.key.replaceAll(NUL, '\\0'));
  return keys.reverse().join('.') || 'body';
};

/**
 * What no parsed body or query may hold, whatever its DTO says, checked
 * before class-transformer and the database see it:
 * - U+0000 in a value or a key: PostgreSQL text can never store it, and
 *   would answer with an error of its own;
 * - a lone surrogate (`"\ud800"` in JSON) in a value or a key: it is not
 *   text at all; validators that encode their input throw on it;
 * - nesting deeper than MAX_INPUT_DEPTH: the transformation recurses once
 *   per level and would overflow the stack.
 * Walked with a stack of its own, so no input can overflow this walk either.
 */
export function inputShapeErrors(value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const stack: Place[] = [{ parent: null, key: '', value, depth: 0 }];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const place = stack.pop()!;
    const v = place.value;
    if (typeof v === 'string') {
      if (v.includes(NUL)) {
        const field = pathOf(place);
        found.push({ field, message: `${field} must not contain a NUL character` });
      } else if (LONE_SURROGATE.test(v)) {
        const field = pathOf(place);
        found.push({ field, message: `${field} must be well-formed Unicode text` });
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (place.depth >= MAX_INPUT_DEPTH) {
      const field = pathOf(place);
      found.push({ field, message: `${field} is nested more than ${MAX_INPUT_DEPTH} levels deep` });
      break;
    }
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const next = { parent: place, key, value: child, depth: place.depth + 1 };
      if (key.includes(NUL)) {
        found.push({ field: pathOf(next), message: 'a field name must not contain a NUL character' });
      } else if (LONE_SURROGATE.test(key)) {
        found.push({ field: 'body', message: 'a field name must be well-formed Unicode text' });
      } else stack.push(next);
    }
  }
  return found;
}
