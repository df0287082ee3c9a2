import { Injectable } from '@nestjs/common';
import { UserCredentialsService } from '../../users/user-credentials.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

@Injectable()
export class ResetPasswordCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly credentials: UserCredentialsService,
  ) {
    super();
  }

  protected async execute([username]: string[]): Promise<void> {
    await this.support.assertMigrated();
    const user = await this.support.userByUsername(username);
    const { temporaryPassword } = await this.credentials.resetPassword(CLI_ACTOR, user.id);
    this.print(`Temporary password for '${user.username}': ${temporaryPassword}`);
    this.print('It must be changed at the next login; every session of theirs has ended.');
  }
}
