import { Injectable } from '@nestjs/common';
import type { UserResponseDto } from '../../users/dto/user-response.dto.js';
import { UserCredentialsService } from '../../users/user-credentials.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { UserCommand } from '../user-command.js';

@Injectable()
export class ResetPasswordCommand extends UserCommand {
  constructor(private readonly credentials: UserCredentialsService) {
    super();
  }

  protected async actOn(user: UserResponseDto): Promise<void> {
    const { temporaryPassword } = await this.credentials.resetPassword(CLI_ACTOR, user.id);
    this.print(`Temporary password for '${user.username}': ${temporaryPassword}`);
    this.print('It must be changed at the next login; every session of theirs has ended.');
  }
}
