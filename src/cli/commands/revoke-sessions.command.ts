import { Command } from 'nest-commander';
import { UserSessionsService } from '../../auth/user-sessions.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

@Command({
  name: 'revoke-sessions',
  arguments: '<username>',
  description: 'End every live session of a user; their tokens fail from the next request',
})
export class RevokeSessionsCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly sessions: UserSessionsService,
  ) {
    super();
  }

  protected async execute([username]: string[]): Promise<void> {
    await this.support.assertMigrated();
    const user = await this.support.userByUsername(username);
    const { revoked } = await this.sessions.revokeAll(CLI_ACTOR.auth, user.id, CLI_ACTOR.client);
    this.print(`Revoked ${revoked} session(s) of '${user.username}'.`);
  }
}
