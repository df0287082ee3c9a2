import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../auth/sessions/sessions.module.js';
import { TokenModule } from '../auth/token/token.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { UserEntity } from './user.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), RolesModule, AuditModule, TokenModule, SessionsModule],
  providers: [PasswordHasher, PasswordPolicy, BootstrapAdminService],
  exports: [PasswordHasher, PasswordPolicy],
})
export class UsersModule {}
