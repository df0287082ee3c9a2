// Compiles src/ and migrations/ to dist/ with SWC: the same layout as tsc's (dist/src, dist/migrations),
// in a fraction of its time. Types are checked by `npm run typecheck` and declarations come from
// `npm run build:types`; starting the service needs neither. Then, once per PGlite version, writes the
// image of a freshly initialised embedded database that a new DATA_DIR is restored from (no initdb).
// Last, bundles the service (dist/src/main.js and what it loads) into one file, dist/service.mjs, which
// `npm start` runs: loading some 2,700 files one by one took about half of every start. Hosts that import
// the modules keep importing dist/src.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformFile } from '@swc/core';
import { rolldown } from 'rolldown';

const ROOTS = ['src', 'migrations'];
const OUT = 'dist';
const options = JSON.parse(await readFile('.swcrc', 'utf8'));
delete options.$schema;

async function sources(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sources(path)));
    else if (/\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name)) found.push(path);
  }
  return found;
}

async function compile(file) {
  const target = join(OUT, file.replace(/\.ts$/, '.js'));
  const mapName = `${basename(target)}.map`;
  const { code, map } = await transformFile(file, {
    ...options,
    swcrc: false,
    sourceFileName: relative(dirname(target), file),
  });
  await mkdir(dirname(target), { recursive: true });
  await Promise.all([
    writeFile(target, `${code}\n//# sourceMappingURL=${mapName}\n`),
    map ? writeFile(`${target}.map`, map) : undefined,
  ]);
}

const files = (await Promise.all(ROOTS.map(sources))).flat();
await Promise.all(files.map(compile));

async function prepareImage() {
  const template = await import(pathToFileURL(resolve(OUT, 'src/database/data-dir-template.js')).href);
  if (!existsSync(template.defaultTemplatePath())) {
    process.stdout.write('Preparing the embedded database image (once per PGlite version)...\n');
    await template.ensureTemplate();
  }
}

// Left out of the bundle and loaded from node_modules at run time:
// - PGlite and argon2: their WebAssembly, data and native files are found beside their own code;
// - swagger-ui-dist: Swagger UI's files are served from its folder;
// - typeorm and pg: @nestjs/typeorm and @nestjs/terminus load TypeORM's classes at run time too (the
//   readiness check finds the data source by its class), and one copy must serve them all.
const EXTERNAL = [
  /^@electric-sql\/pglite(\/|$)/,
  /^@node-rs\/argon2/,
  /^swagger-ui-dist(\/|$)/,
  /^typeorm(\/|$)/,
  /^pg(-native)?$/,
];

async function bundleService() {
  const bundle = await rolldown({
    input: join(OUT, 'src/main.js'),
    platform: 'node',
    external: EXTERNAL,
    onLog(level, log) {
      // Optional packages that Nest and Fastify try to load, and do without, are not installed: their imports
      // stay as they are and fail at run time, caught, as they would unbundled. Anything else stops the build.
      if (log.code === 'UNRESOLVED_IMPORT' && /\bin node_modules\//.test(log.message)) return;
      if (level === 'warn') throw new Error(`bundling the service: ${log.message}`);
    },
  });
  await bundle.write({
    file: join(OUT, 'service.mjs'),
    format: 'esm',
    codeSplitting: false,
    sourcemap: true,
  });
  await bundle.close();
}

// The image is made by PGlite on this thread, the bundle by rolldown on threads of its own: both at once.
await Promise.all([prepareImage(), bundleService()]);
