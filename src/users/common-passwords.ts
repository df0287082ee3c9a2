import { createRequire } from 'node:module';
import type { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The common-password list of zxcvbn-ts (@zxcvbn-ts/language-common,
 * `passwords-common`: about 49,000 entries ranked by frequency from leaked
 * password corpora), lower-cased so that a match ignores case: `Password1`
 * is refused as `password1`. Built on first use, then kept.
 *
 * The package is loaded then too, not at start: loading it decompresses every
 * one of its dictionaries, about 50 ms that a restart need not wait for.
 */
let list: ReadonlySet<string> | undefined;

const load = createRequire(import.meta.url);

export function commonPasswords(): ReadonlySet<string> {
  if (!list) {
    const words = (load('@zxcvbn-ts/language-common') as { dictionary: typeof dictionary }).dictionary;
    list = new Set(words['passwords-common'].map((p) => p.toLowerCase()));
  }
  return list;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
