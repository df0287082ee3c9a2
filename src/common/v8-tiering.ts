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
 * Sets V8's interrupt budget for the service's own process, on V8 11 only. Newer V8 (Node 22 and later)
 * no longer has the flag (it counts invocations, and has Maglev between the baseline and the optimising
 * compiler); given an unknown flag, V8 writes an error line to stderr and ignores it, so none is given.
 * Called first thing at the service's start, before the application's modules are loaded, so that their
 * functions are counted with it from their first call. Answers whether it set the flag.
 */
export function tuneV8Tiering(
  v8Version: string = process.versions.v8,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (Number.parseInt(v8Version, 10) !== 11) return false;
  setFlags(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  return true;
}
