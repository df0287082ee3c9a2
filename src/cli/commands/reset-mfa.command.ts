import { Injectable } from '@nestjs/common';
import { MfaService } from '../../auth/mfa/mfa.service.js';
import type { UserResponseDto } from '../../users/dto/user-response.dto.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { UserCommand } from '../user-command.js';

/** For an operator locked out of the console with their authenticator: the next sign-in needs the password only. */
@Injectable()
export class ResetMfaCommand extends UserCommand {
  constructor(private readonly mfa: MfaService) {
    super();
  }

  protected async actOn(user: UserResponseDto): Promise<void> {
    await this.mfa.reset(CLI_ACTOR, user.id);
    this.print(`Two-factor sign-in of '${user.username}' is reset: the secret and recovery codes are gone.`);
    this.print(
      'They sign in with the password alone, and enrol again (at once, where their role requires it).',
    );
  }
}
