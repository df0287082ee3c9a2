import { Injectable } from '@nestjs/common';
import { UserSessionsService } from '../../auth/user-sessions.service.js';
import type { UserResponseDto } from '../../users/dto/user-response.dto.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { UserCommand } from '../user-command.js';

@Injectable()
export class RevokeSessionsCommand extends UserCommand {
  constructor(private readonly sessions: UserSessionsService) {
    super();
  }

  protected async actOn(user: UserResponseDto): Promise<void> {
    const { revoked } = await this.sessions.revokeAll(CLI_ACTOR.auth, user.id, CLI_ACTOR.client);
    this.print(`Revoked ${revoked} session(s) of '${user.username}'.`);
  }
}
