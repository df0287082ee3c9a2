import { Injectable } from '@nestjs/common';
import { UserCredentialsService } from '../../users/user-credentials.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

@Injectable()
export class RegenerateTokenCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly credentials: UserCredentialsService,
  ) {
    super();
  }

  /** `graceHours` as the entry point read it (`graceHoursOption`), before anything booted. */
  protected async execute([username]: string[], { graceHours }: { graceHours: number }): Promise<void> {
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
