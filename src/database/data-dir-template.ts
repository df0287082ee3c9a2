import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** The extensions every embedded database is opened with. */
export const PGLITE_EXTENSIONS = { pg_trgm };

function pgliteVersion(): string {
  // The package's exports hide package.json: find it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The image of a freshly initialised data folder that `npm run build` writes beside the build
 * (dist/pgdata-<PGlite version>.tar.gz). A new DATA_DIR is restored from it in a fraction of the time
 * initdb takes; the version in the name keeps an image from one PGlite away from another.
 */
export function defaultTemplatePath(): string {
  return fileURLToPath(new URL(`../../pgdata-${pgliteVersion()}.tar.gz`, import.meta.url));
}

/** The image's bytes, or undefined when there is none (initdb runs instead). */
export function readTemplate(path: string | undefined): Blob | undefined {
  if (!path || !existsSync(path)) return undefined;
  return new Blob([readFileSync(path)]);
}

/** Runs initdb once in a scratch folder and writes its image to `path`, unless one is there already. */
export async function ensureTemplate(path = defaultTemplatePath()): Promise<boolean> {
  if (existsSync(path)) return false;
  const scratch = mkdtempSync(join(tmpdir(), 'champa-iam-template-'));
  try {
    const pglite = new PGlite(join(scratch, 'pgdata'), { extensions: PGLITE_EXTENSIONS });
    await pglite.waitReady;
    const image = await pglite.dumpDataDir('gzip');
    await pglite.close();
    // Written whole, then renamed: a build stopped half-way never leaves a truncated image.
    writeFileSync(`${path}.partial`, Buffer.from(await image.arrayBuffer()));
    renameSync(`${path}.partial`, path);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
