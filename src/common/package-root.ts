import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * This package's own folder: the nearest package.json above this module. It is the same folder whether the
 * code runs from src/ (tests), from dist/src/ (the modules a host imports) or from dist/ (the bundled
 * service), and inside a host's node_modules.
 */
export function packageRoot(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return (found = dir);
}
