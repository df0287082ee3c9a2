#!/usr/bin/env node
// `npm run cli -- <command>`: operator tasks on the service's database, with no HTTP involved.
import 'reflect-metadata';
import { Command } from 'commander';
import { InvalidOptionError } from './cli.errors.js';
import { BROKEN_CHAIN_EXIT_CODE, describeFailure } from './cli-failure.js';
import { expectHeadOption, graceHoursOption } from './cli-options.js';
import type { CliCommandName } from './cli.module.js';

// Migrations run only through `migrate`; the other commands refuse an old schema.
process.env.MIGRATIONS_RUN = 'false';

/**
 * Boots the service's modules without HTTP, runs one command, closes. Loaded only once the command
 * line is known to be good: a typo or --help answers at once.
 */
async function run(name: CliCommandName, params: string[], options: Record<string, unknown> = {}) {
  const [{ NestFactory }, { cliModule, CLI_COMMANDS }] = await Promise.all([
    import('@nestjs/core'),
    import('./cli.module.js'),
  ]);
  // A failed boot (a locked DATA_DIR, an unreachable database) is reported below in one line: the
  // buffered lines, Nest's stack trace among them, are printed only once the boot succeeded.
  const app = await NestFactory.createApplicationContext(cliModule(), {
    logger: ['error', 'warn'],
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
  });
  app.flushLogs();
  try {
    await app.get(CLI_COMMANDS[name]).run(params, options);
  } finally {
    await app.close();
  }
}

const program = new Command('champa-iam')
  .description('champa-iam administration: the tasks an operator needs when the API is out of reach')
  .showHelpAfterError();

program
  .command('create-admin')
  .description(
    'Create an administrator. Without --password, prints a temporary password that must be changed at first login.',
  )
  .argument('<username>')
  .argument('<email>')
  .option('-p, --password <password>', 'the password (the password policy applies)')
  .action((username: string, email: string, options: { password?: string }) =>
    run('create-admin', [username, email], options),
  );

program
  .command('reset-password')
  .description('Give a user a temporary password (printed once) and end every session of theirs')
  .argument('<username>')
  .action((username: string) => run('reset-password', [username]));

program
  .command('reset-mfa')
  .description(
    "Clear a user's two-factor sign-in (secret and recovery codes), for one who lost the authenticator",
  )
  .argument('<username>')
  .action((username: string) => run('reset-mfa', [username]));

program
  .command('revoke-sessions')
  .description('End every live session of a user; their tokens fail from the next request')
  .argument('<username>')
  .action((username: string) => run('revoke-sessions', [username]));

program
  .command('regenerate-token')
  .description(
    'Issue a new token for an API user and print it once; the old one fails at once, or keeps working for --grace-hours',
  )
  .argument('<username>')
  .option('-g, --grace-hours <hours>', 'hours (0-168) during which the previous token keeps working', '0')
  // The option is checked here, before anything boots: a mistyped one is refused at once.
  .action((username: string, options: { graceHours: string }) =>
    run('regenerate-token', [username], { graceHours: graceHoursOption(options.graceHours) }),
  );

program
  .command('verify-audit')
  .description(`Check the audit log's hash chain; exits with ${BROKEN_CHAIN_EXIT_CODE} when it does not hold`)
  .option(
    '-e, --expect-head <id:hash>',
    'a head kept earlier (logged at shutdown, or printed by a previous check): the chain must still hold it, ' +
      'so removed newest entries or a chain recomputed without the key fail',
  )
  .action((options: { expectHead?: string }) =>
    run('verify-audit', [], { expectHead: expectHeadOption(options.expectHead) }),
  );

program
  .command('migrate')
  .description('Apply pending database migrations, each in a transaction of its own')
  .action(() => run('migrate', []));

program.parseAsync(process.argv).catch((err: Error) => {
  if (err instanceof InvalidOptionError) {
    // Reported as the command itself reports a refusal: the contract's code and the reason.
    const { text, exitCode } = describeFailure(err);
    process.stderr.write(text + '\n');
    process.exitCode = exitCode;
    return;
  }
  // A bad environment or an unreachable database: one line, no stack.
  process.stderr.write(`champa-iam cli failed: ${err.message}\n`);
  process.exitCode = 1;
});
