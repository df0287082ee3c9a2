import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokenModule } from '../tokens/token.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { UserChangeRunner } from './user-change-runner.js';
import { UserCredentialsService } from './user-credentials.service.js';
import { UserHygieneService } from './user-hygiene.service.js';
import { UsersController } from './users.controller.js';
import { UsersDataModule } from './users-data.module.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [UsersDataModule, RolesModule, AuditModule, TokenModule, SessionsModule],
  providers: [
    PasswordHasher,
    PasswordPolicy,
    BootstrapAdminService,
    UsersService,
    UserCredentialsService,
    UserChangeRunner,
    UserHygieneService,
    ApiTokenIssuer,
  ],
  exports: [
    PasswordHasher,
    PasswordPolicy,
    UsersService,
    UsersDataModule,
    UserCredentialsService,
    UserHygieneService,
  ],
})
export class UsersModule {}

/** The user routes, under the IAM route prefix; IamModule mounts them unless told not to. */
@Module({ imports: [UsersModule, RolesModule], controllers: [UsersController] })
export class UsersHttpModule {}
