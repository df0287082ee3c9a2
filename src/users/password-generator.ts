import { randomInt } from 'node:crypto';

// Look-alike characters (l, o, 0, 1, I, O) are left out: these passwords are read and typed by people.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIAL = '!#$%&*+-=?@^_';

/** A password from the CSPRNG with at least one lowercase, uppercase, digit and special character. */
export function generatePassword(length: number): string {
  if (!Number.isInteger(length) || length < 4)
    throw new RangeError('length must be an integer of at least 4');
  const all = LOWER + UPPER + DIGITS + SPECIAL;
  const chars = [LOWER, UPPER, DIGITS, SPECIAL].map((set) => set[randomInt(set.length)]);
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  // Fisher-Yates, so the guaranteed characters are not always in front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
