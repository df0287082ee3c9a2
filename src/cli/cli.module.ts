import { type DynamicModule, Module } from '@nestjs/common';
import { AppModule } from '../app.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { CliSupport } from './cli-support.js';
import { CreateAdminCommand } from './commands/create-admin.command.js';
import { MigrateCommand } from './commands/migrate.command.js';
import { RegenerateTokenCommand } from './commands/regenerate-token.command.js';
import { ResetMfaCommand } from './commands/reset-mfa.command.js';
import { ResetPasswordCommand } from './commands/reset-password.command.js';
import { RevokeSessionsCommand } from './commands/revoke-sessions.command.js';
import { VerifyAuditCommand } from './commands/verify-audit.command.js';

export const CLI_COMMANDS = {
  'create-admin': CreateAdminCommand,
  'reset-password': ResetPasswordCommand,
  'regenerate-token': RegenerateTokenCommand,
  'reset-mfa': ResetMfaCommand,
  'revoke-sessions': RevokeSessionsCommand,
  'verify-audit': VerifyAuditCommand,
  migrate: MigrateCommand,
};
export type CliCommandName = keyof typeof CLI_COMMANDS;

@Module({
  imports: [UsersModule, AuthModule, AuditModule],
  providers: [CliSupport, ...Object.values(CLI_COMMANDS)],
})
class CliCommandsModule {}

/** The service's own configuration and modules, without HTTP, a boot-time administrator or metrics. */
export function cliModule(): DynamicModule {
  return AppModule.forRoot({ bootstrapAdmin: false, metrics: false, extraModules: [CliCommandsModule] });
}
