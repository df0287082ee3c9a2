import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the nearest package.json at or above `dir`; undefined when there is none. */
export function packageDirOf(dir: string): string | undefined {
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let found: string | undefined;

/**
 * This package's own folder: the nearest package.json above this module. It is the same folder whether the
 * code runs from src/ (tests) or from dist/src/ (the service, and the modules a host imports), and inside a
 * host's node_modules.
 */
export function packageRoot(): string {
  if (found) return found;
  const dir = packageDirOf(dirname(fileURLToPath(import.meta.url)));
  if (!dir) return process.cwd();
  return (found = dir);
}
