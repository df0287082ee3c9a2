import { Injectable } from '@nestjs/common';
import { GRACE_HOURS_MAX } from '../../users/dto/regenerate-token.dto.js';
import { UserCredentialsService } from '../../users/user-credentials.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { InvalidOptionError } from '../cli.errors.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

/** `--grace-hours`: an integer from 0 to 168, as the API takes it. */
export function graceHoursOption(value: unknown): number {
  if (value === undefined) return 0;
  const text = String(value);
  const hours = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(hours >= 0 && hours <= GRACE_HOURS_MAX)) {
    throw new InvalidOptionError(`--grace-hours must be an integer from 0 to ${GRACE_HOURS_MAX}`);
  }
  return hours;
}

@Injectable()
export class RegenerateTokenCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly credentials: UserCredentialsService,
  ) {
    super();
  }

  protected async execute([username]: string[], options: { graceHours?: string }): Promise<void> {
    const graceHours = graceHoursOption(options.graceHours);
    await this.support.assertMigrated();
    const user = await this.support.userByUsername(username);
    const answer = await this.credentials.regenerateToken(CLI_ACTOR, user.id, graceHours);
    this.print(`New API token for '${user.username}' (shown once, never stored):`);
    this.print(answer.apiToken);
    this.print(answer.expiresAt ? `It expires at ${answer.expiresAt}.` : 'It never expires.');
    this.print(
      answer.previousTokenValidUntil
        ? `The previous token keeps working until ${answer.previousTokenValidUntil}.`
        : 'The previous token no longer works.',
    );
  }
}
