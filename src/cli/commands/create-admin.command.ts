import { Injectable } from '@nestjs/common';
import { createValidationPipe } from '../../common/errors/validation.js';
import { CreateUserDto } from '../../users/dto/create-user.dto.js';
import { generatePassword } from '../../users/password-generator.js';
import { PasswordPolicy } from '../../users/password-policy.js';
import { UserCredentialsService } from '../../users/user-credentials.service.js';
import { UsersService } from '../../users/users.service.js';
import { CLI_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { CliSupport } from '../cli-support.js';

const ADMIN_ROLE = 'administrator';

@Injectable()
export class CreateAdminCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly users: UsersService,
    private readonly credentials: UserCredentialsService,
    private readonly policy: PasswordPolicy,
  ) {
    super();
  }

  protected async execute([username, email]: string[], options: { password?: string }): Promise<void> {
    await this.support.assertMigrated();
    const chosen = options.password;
    // The same DTO and rules as POST /auth/api/users, then the users service's own checks.
    const dto = (await createValidationPipe().transform(
      { username, email, password: chosen ?? this.unusedPassword(username), role: ADMIN_ROLE },
      { type: 'body', metatype: CreateUserDto },
    )) as CreateUserDto;
    const { user } = await this.users.create(CLI_ACTOR, dto);
    if (chosen !== undefined) {
      this.print(`Created administrator '${user.username}' (id ${user.id}).`);
      return;
    }
    // The reset sets must-change-password and is itself on record.
    const { temporaryPassword } = await this.credentials.resetPassword(CLI_ACTOR, user.id);
    this.print(`Created administrator '${user.username}' (id ${user.id}).`);
    this.print(`Temporary password: ${temporaryPassword}`);
    this.print('It is shown once and must be changed at first login.');
  }

  // Replaced at once by the temporary password; never shown to anyone.
  private unusedPassword(username: string): string {
    for (;;) {
      const candidate = generatePassword(32);
      if (this.policy.check(candidate, username).length === 0) return candidate;
    }
  }
}
