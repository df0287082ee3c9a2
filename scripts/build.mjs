// Compiles src/ and migrations/ to dist/ with SWC: the same layout as tsc's (dist/src, dist/migrations),
// in a fraction of its time. Types are checked by `npm run typecheck` and declarations come from
// `npm run build:types`; starting the service needs neither. Then bundles what `npm start` runs into
// dist/service (bundle-service.mjs), and, once per PGlite version, writes the image of a freshly initialised
// embedded database that a new DATA_DIR is restored from (no initdb).
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformFile } from '@swc/core';
import { bundleService } from './bundle-service.mjs';

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
// What `npm start` runs (see bundle-service.mjs). Rolldown works on threads of its own: the image below is
// written meanwhile, on this one. Awaited at the end; a failure is kept for then.
const bundled = bundleService().then(
  () => undefined,
  (err) => err,
);

const template = await import(pathToFileURL(resolve(OUT, 'src/database/data-dir-template.js')).href);
if (!existsSync(template.defaultTemplatePath())) {
  process.stdout.write('Preparing the embedded database image (once per PGlite version)...\n');
  await template.ensureTemplate();
}
for (const name of template.removeOtherTemplates()) {
  const what = name.endsWith('.partial') ? 'a half-copied image' : 'the image of another PGlite version';
  process.stdout.write(`Removed ${name}, ${what}.\n`);
}
for (const name of template.removeStaleScratch()) {
  process.stdout.write(`Removed ${name}, what an interrupted build left of initdb.\n`);
}
const bundleFailure = await bundled;
if (bundleFailure) throw bundleFailure;
