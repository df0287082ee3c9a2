import { Injectable } from '@nestjs/common';
import { UserSessionsService } from '../../auth/user-sessions.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

@Injectable()
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
