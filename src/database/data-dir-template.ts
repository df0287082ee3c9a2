import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { packageDirOf, packageRoot } from '../common/package-root.js';

/** The extensions every embedded database is opened with. */
export const PGLITE_EXTENSIONS = { pg_trgm };

/** The folder of PGlite's entry point, where its WebAssembly binary and file bundle sit too. */
export function pgliteDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
}

function pgliteVersion(): string {
  // The package's exports hide package.json: find it above the folder of the resolved entry point.
  const dist = pgliteDistDir();
  const dir = packageDirOf(dist);
  if (!dir) throw new Error(`No package.json above ${dist}`);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A freshly initialised data folder that `npm run build` writes into the package's build
 * (dist/pgdata-<PGlite version>). A new DATA_DIR starts as a copy of it, in a fraction of the time initdb
 * takes; the version in the name keeps one PGlite's folder away from another. It is copied as files, not
 * restored through PGlite: a restore unpacks inside PGlite's WebAssembly memory, which never shrinks, and
 * kept about 170 MB resident for the life of the process.
 */
export function defaultTemplatePath(): string {
  return join(packageRoot(), 'dist', `pgdata-${pgliteVersion()}`);
}

/** What copies the image: a thread of its own, CommonJS, evaluated. */
const COPY_SOURCE = `
const { cpSync, renameSync, rmSync } = require('node:fs');
const { from, to } = require('node:worker_threads').workerData;
const partial = to + '.partial';
rmSync(partial, { recursive: true, force: true });
cpSync(from, partial, { recursive: true });
rmSync(to, { recursive: true, force: true });
renameSync(partial, to);
`;

/**
 * Gives `pgdata` (which must not exist) the template's files, or answers false when there is no template
 * (initdb runs instead). A thousand files: the copy runs on a thread of its own, so a first start goes on
 * loading its modules meanwhile. It is made beside `pgdata` and renamed into place: a copy stopped half-way
 * never passes for the folder.
 */
export async function copyTemplate(path: string | undefined, pgdata: string): Promise<boolean> {
  if (!path || !existsSync(join(path, 'PG_VERSION'))) return false;
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(COPY_SOURCE, { eval: true, workerData: { from: path, to: pgdata } });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`copying ${path} failed`))));
  });
  return true;
}

const INITDB_SCRATCH_PREFIX = '.pgdata-initdb-';

/**
 * Runs initdb once and keeps its files at `path`, unless they are there already. initdb writes into a scratch
 * folder beside `path` (so on the same file system), which is then renamed into place: no copy of its
 * thousand files, and a run stopped half-way leaves no image behind.
 */
export async function ensureTemplate(path = defaultTemplatePath()): Promise<boolean> {
  if (existsSync(join(path, 'PG_VERSION'))) return false;
  mkdirSync(dirname(path), { recursive: true });
  const scratch = mkdtempSync(join(dirname(path), INITDB_SCRATCH_PREFIX));
  try {
    const pglite = new PGlite(join(scratch, 'pgdata'), { extensions: PGLITE_EXTENSIONS });
    await pglite.waitReady;
    await pglite.close();
    rmSync(path, { recursive: true, force: true });
    renameSync(join(scratch, 'pgdata'), path);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Removes the images of other PGlite versions beside `path` (a build after an upgrade leaves the old one
 * behind, some tens of MB), and the half-copied `.partial` images that earlier builds, which copied the image
 * into place, could leave; answers the names removed. Only the image at `path` stays.
 */
export function removeOtherTemplates(path = defaultTemplatePath()): string[] {
  const keep = basename(path);
  return removeFolders(dirname(path), (name) => name.startsWith('pgdata-') && name !== keep);
}

/**
 * Removes initdb's scratch folders beside `path` that a build stopped half-way left behind (some 40 MB each):
 * those untouched for `olderThanMs`. initdb takes seconds, so a build still running keeps its own. Answers the
 * names removed.
 */
export function removeStaleScratch(
  path = defaultTemplatePath(),
  now = Date.now(),
  olderThanMs = 10 * 60_000,
): string[] {
  const dir = dirname(path);
  return removeFolders(
    dir,
    (name) => name.startsWith(INITDB_SCRATCH_PREFIX) && now - statSync(join(dir, name)).mtimeMs > olderThanMs,
  );
}

/** Removes the folders in `dir` (if it is there) whose names `pick` takes; answers their names. */
function removeFolders(dir: string, pick: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && pick(e.name))
    .map((e) => e.name);
  for (const name of names) rmSync(join(dir, name), { recursive: true, force: true });
  return names;
}
