import { Inject } from '@nestjs/common';
import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import { CliCommand } from './cli-command.js';
import { CliSupport } from './cli-support.js';

/** A command on one user, named by username: it acts once the schema is current and the user is found. */
export abstract class UserCommand extends CliCommand {
  // A property, so that each command's constructor names only what it acts with.
  @Inject(CliSupport) private readonly support!: CliSupport;

  protected abstract actOn(user: UserResponseDto): Promise<void>;

  protected async execute([username]: string[]): Promise<void> {
    await this.support.assertMigrated();
    await this.actOn(await this.support.userByUsername(username));
  }
}
