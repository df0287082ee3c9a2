import { setFlagsFromString } from 'node:v8';

/**
 * The interrupt budget V8 11 (Node 20) is given by the service: a quarter of its default (67,584 bytes of
 * bytecode run between two looks at whether a function is hot). A login runs code that is warm, not hot:
 * several hundred functions, each once or a few times per login, at a few dozen logins a second. With the
 * default budget much of it still runs as baseline code after a thousand logins, and a login's event-loop
 * CPU was about a tenth higher (bench/README.md). Code that is hot already (the guard's path) is optimised
 * either way.
 */
export const INTERRUPT_BUDGET = 16_384;

/**
 * The same for V8 12 and 13 (Node 22 and 24), which count calls instead: a quarter of the default 3,000
 * calls before a function is optimised by TurboFan.
 */
export const INVOCATIONS_FOR_TURBOFAN = 750;

/** The flag for a V8 major version, where it was measured; none elsewhere. */
export function tieringFlag(v8Version: string): string | undefined {
  const major = Number.parseInt(v8Version, 10);
  if (major === 11) return `--interrupt-budget=${INTERRUPT_BUDGET}`;
  if (major === 12 || major === 13) return `--invocation-count-for-turbofan=${INVOCATIONS_FOR_TURBOFAN}`;
  return undefined;
}

/**
 * Has V8 optimise the service's warm code sooner, on the V8 versions where that was measured: Node 20, 22
 * and 24. Given a flag it does not know (a later V8 may rename these), V8 writes an error line to stderr
 * and ignores it, so other versions are given none. Called first thing at the service's start, before the
 * application's modules are loaded, so that their functions are counted with it from their first call.
 * Answers the flag it set, if any.
 */
export function tuneV8Tiering(
  v8Version: string = process.versions.v8,
  setFlags: (flags: string) => void = setFlagsFromString,
): string | undefined {
  const flag = tieringFlag(v8Version);
  if (flag) setFlags(flag);
  return flag;
}
