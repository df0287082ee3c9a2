import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import lockfile from 'proper-lockfile';
import { copyTemplate, defaultTemplatePath, PGLITE_EXTENSIONS, pgliteDistDir } from './data-dir-template.js';
import { NamingClient } from './naming-client.js';

/** Thrown when another process already holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(dir: string) {
    super(
      `DATA_DIR ${dir} is in use by another champa-iam process. Two processes on one folder would lose writes: ` +
        `stop the other process, or give this one its own DATA_DIR (or a DATABASE_URL).`,
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * PGlite's memory is one WebAssembly memory that grows and never shrinks, so
 * PostgreSQL's shared buffers (128 MB by default) stay in the process for its
 * whole life. The data files sit in the OS page cache anyway; 16 MB of buffers
 * keep an embedded service's resident memory about 100 MB lower.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

// The project compiles without the DOM's types, which declare WebAssembly.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<PGliteOptions['pgliteWasmModule']> };
  }
).WebAssembly;

/**
 * PGlite's WebAssembly binary (9 MB), read at once and compiled off the main thread. Left to PGlite, it is
 * read in 512 KB steps through libuv's thread pool, queued behind the hundreds of files the application's
 * modules are read from when the database is opened early (main.ts), so the database would only start
 * once they are all loaded. (Its file bundle is left to PGlite: handed over as a Blob, it stayed in memory
 * beside PGlite's own copy, some 6 MB, for no measurable gain.)
 */
async function pgliteWasmModule(): Promise<PGliteOptions['pgliteWasmModule']> {
  return wasm.compile(readFileSync(join(pgliteDistDir(), 'pglite.wasm')));
}

/** Creates the folder if need be and locks it for the life of the process; answers the release. */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return lockfile.lockSync(dir, {
      lockfilePath: join(dir, '.lock'),
      stale: 10_000,
      update: 2_000,
      realpath: false,
      onCompromised: (err) => {
        // Another process took the folder (we stalled past `stale`): stop writing rather than corrupt it.
        process.emitWarning(`DATA_DIR lock compromised: ${err.message}`);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirLockedError(dir);
    throw err;
  }
}

/**
 * The embedded PostgreSQL (PGlite) under DATA_DIR, owned by this process.
 * The folder is locked for the life of the process, and the database is
 * closed explicitly: node-postgres does not close a PGlite it was handed.
 */
export class EmbeddedDatabase {
  private constructor(
    readonly pglite: PGlite,
    readonly dataDir: string,
    private readonly releaseLock: () => void,
  ) {}

  private static early?: { dataDir: string; opening: Promise<EmbeddedDatabase> };

  /**
   * Opens the database before the application's modules are imported (main.ts), so that PGlite's
   * start (and a new folder's copy of the image) overlaps their loading; the application's own open() of
   * the same folder then takes it. A folder in use is refused here, at once.
   */
  static openEarly(dataDir: string): void {
    const opening = EmbeddedDatabase.open(dataDir);
    // Its failure is reported where the application waits for it; until then it is no crash.
    opening.then((db) => db.pglite.waitReady).catch(() => undefined);
    EmbeddedDatabase.early = { dataDir: resolve(dataDir), opening };
  }

  /**
   * Opens the database under dataDir and locks the folder; a folder in use is refused at once (a throw, not
   * a rejection). A new folder starts as a copy of the pre-initialised one when there is one (see
   * data-dir-template.ts), otherwise initdb creates it.
   */
  static open(
    dataDir: string,
    template: string | undefined = defaultTemplatePath(),
  ): Promise<EmbeddedDatabase> {
    const dir = resolve(dataDir);
    const early = EmbeddedDatabase.early;
    if (early?.dataDir === dir) {
      EmbeddedDatabase.early = undefined;
      return early.opening;
    }
    return EmbeddedDatabase.start(dir, template, lockDataDir(dir));
  }

  private static async start(dir: string, template: string | undefined, release: () => void) {
    const pgdata = join(dir, 'pgdata');
    let compiled: PGliteOptions['pgliteWasmModule'];
    try {
      const compiling = pgliteWasmModule();
      // Awaited below; until then its failure is no unhandled rejection.
      compiling.catch(() => undefined);
      // Only a folder that is not there yet: whatever is in an existing one is PGlite's to judge.
      if (!existsSync(pgdata)) await copyTemplate(template, pgdata);
      compiled = await compiling;
    } catch (err) {
      release();
      throw err;
    }
    const pglite = new PGlite(pgdata, {
      pgliteWasmModule: compiled,
      extensions: PGLITE_EXTENSIONS,
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
    });
    return new EmbeddedDatabase(pglite, dir, release);
  }

  /**
   * node-postgres pool options that route every query to this PGlite (one session, so max 1), with named
   * statements (NamingClient).
   */
  poolOptions(): Record<string, unknown> {
    return { ...createPgConfig(this.pglite), max: 1, idleTimeoutMillis: 0, Client: NamingClient };
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      try {
        this.releaseLock();
      } catch {
        // the lock may already be gone if the folder was removed
      }
    }
  }
}
