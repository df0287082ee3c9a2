import { Injectable } from '@nestjs/common';
import { MfaService } from '../../auth/mfa/mfa.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

/** For an operator locked out of the console with their authenticator: the next sign-in needs the password only. */
@Injectable()
export class ResetMfaCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly mfa: MfaService,
  ) {
    super();
  }

  protected async execute([username]: string[]): Promise<void> {
    await this.support.assertMigrated();
    const user = await this.support.userByUsername(username);
    await this.mfa.reset(CLI_ACTOR, user.id);
    this.print(`Two-factor sign-in of '${user.username}' is reset: the secret and recovery codes are gone.`);
    this.print(
      'They sign in with the password alone, and enrol again (at once, where their role requires it).',
    );
  }
}
