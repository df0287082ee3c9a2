// What `npm start` runs: dist/src/main.js and the modules it imports, joined by rolldown into a few files
// in dist/service/, together with the packages that only this code imports and that are made of many small
// ES modules. Node's ES module loader reads, links and evaluates each file on its own, and at a start that
// was about half of the time: 1,368 ES modules, 431 of them es-toolkit's, imported whole by @nestjs/swagger.
//
// Every other package stays outside, loaded from node_modules as before. Nest's own packages, TypeORM, pg
// and the rest are also imported by other packages (nestjs-pino requires @nestjs/common; @nestjs/terminus
// loads typeorm by name), and a second copy inside the bundle would hold classes of the same name that are
// not the same (a provider Nest cannot resolve, a data source terminus does not know). PGlite and Swagger UI
// find their files next to their own modules. Keeping the bundle small also keeps memory down: V8 holds a
// script's source for as long as the process lives.
//
// dist/src stays as it is: it is what a host application imports, and what the CLI runs.
import { rm } from 'node:fs/promises';
import { build } from 'rolldown';

/**
 * Packages inlined into the bundle: made of many small ES modules, and imported by this code alone among what
 * a start loads. (@nestjs/terminus would load @nestjs/swagger for its @HealthCheck() decorator, which is not
 * used here; @nestjs/config imports three es-toolkit functions of its own, which hold no state.)
 */
const INLINED_PACKAGES = [
  '@nestjs/swagger',
  '@nestjs/mapped-types',
  '@microsoft/tsdoc',
  '@standard-schema/spec',
  'es-toolkit',
  'js-yaml',
];

function packageOf(id) {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bundles dist/src/main.js into dist/service/main.js; dist/src must be built first. */
export async function bundleService() {
  await rm('dist/service', { recursive: true, force: true });
  await build({
    input: { main: 'dist/src/main.js' },
    platform: 'node',
    logLevel: 'warn',
    // The dynamic imports in main.ts are there so that PGlite opens while the modules load: a chunk each.
    checks: { ineffectiveDynamicImport: false },
    external: (id) => {
      if (id.startsWith('.') || id.startsWith('/')) return false;
      return !INLINED_PACKAGES.includes(packageOf(id));
    },
    output: {
      dir: 'dist/service',
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name].js',
      sourcemap: true,
      // Class names are what Swagger names its schemas after and Nest its providers in messages.
      keepNames: true,
      // A script with one character beyond Latin-1 is held by V8 at two bytes a character.
      charset: 'ascii',
    },
  });
}
