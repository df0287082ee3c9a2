#!/usr/bin/env node
// `npm run cli -- <command>`: operator tasks on the service's database, with no HTTP involved.
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { cliModule } from './cli.module.js';

// Migrations run only through `migrate`; the other commands refuse an old schema.
process.env.MIGRATIONS_RUN = 'false';

async function main(): Promise<void> {
  await CommandFactory.run(cliModule(), {
    cliName: 'champa-iam',
    logger: ['error', 'warn'],
    serviceErrorHandler: (err) => {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 1;
    },
  });
}

main().catch((err: Error) => {
  // A bad environment or an unreachable database: one line, no stack.
  process.stderr.write(`champa-iam cli failed: ${err.message}\n`);
  process.exitCode = 1;
});
