// `npm run lint:openapi`: the built service's OpenAPI document, linted with Redocly (redocly.yaml),
// and the typed client regenerated from it and typechecked. Exits non-zero on any finding.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GENERATED_DIR, typecheckClient, writeClient } from './generate-client.mjs';
import { openApiDocument } from './openapi-document.mjs';

await writeClient(await openApiDocument());
const document = join(GENERATED_DIR, 'openapi.json');
const lint = spawnSync(
  process.execPath,
  [
    'node_modules/@redocly/cli/bin/cli.js',
    'lint',
    document,
    '--config',
    'redocly.yaml',
    '--format',
    'stylish',
  ],
  {
    stdio: 'inherit',
    // Offline CI: no usage data, no update check.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
);
const typecheck = typecheckClient();
if (typecheck !== 0) process.stderr.write('The typed client no longer matches the contract (see above)\n');
process.exit(lint.status !== 0 ? (lint.status ?? 1) : typecheck);
