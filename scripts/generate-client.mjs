// `npm run client:generate`: TypeScript types for every route from the built service's OpenAPI
// document (openapi-typescript), written to client/generated/ (not committed), then the typed
// client's code is typechecked against them: a change of the contract breaks the build here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from './openapi-document.mjs';

export const GENERATED_DIR = 'client/generated';

/** A `default` is what the server assumes when a field is left out: such a field stays optional. */
export const OPENAPI_TS_OPTIONS = { defaultNonNullable: false };

/** Writes the document and its types; atomic, so a reader never sees half a file. */
export async function writeClient(document) {
  mkdirSync(GENERATED_DIR, { recursive: true });
  const write = (name, text) => {
    const file = join(GENERATED_DIR, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  write('openapi.json', JSON.stringify(document, null, 2) + '\n');
  const types = astToString(await openapiTS(document, OPENAPI_TS_OPTIONS));
  write(
    'schema.d.ts',
    `// Generated from the OpenAPI document by scripts/generate-client.mjs. Do not edit.\n\n${types}`,
  );
}

/** The typed client and the admin console, both typed by the generated schema. */
export function typecheckClient() {
  for (const project of ['tsconfig.client.json', 'web/tsconfig.json']) {
    const res = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--noEmit'], {
      stdio: 'inherit',
    });
    if (res.status !== 0) return res.status ?? 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeClient(await openApiDocument());
  process.stdout.write(`Wrote ${GENERATED_DIR}/openapi.json and ${GENERATED_DIR}/schema.d.ts\n`);
  const status = typecheckClient();
  if (status !== 0) process.stderr.write('The typed client no longer matches the contract (see above)\n');
  process.exit(status);
}
