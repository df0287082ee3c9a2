import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The common-password list of zxcvbn-ts (@zxcvbn-ts/language-common,
 * `passwords-common`: about 49,000 entries ranked by frequency from leaked
 * password corpora), lower-cased so that a match ignores case: `Password1`
 * is refused as `password1`. Built on first use, then kept.
 */
let list: ReadonlySet<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  list ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return list;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
