import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { AuthStateService } from './auth-state.service.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TokenModule } from './token/token.module.js';

@Module({
  imports: [
    PassportModule.register({ session: false }),
    TypeOrmModule.forFeature([UserEntity]),
    UsersModule,
    RolesModule,
    AuditModule,
    SessionsModule,
    TokenModule,
  ],
  providers: [AuthStateService, JwtStrategy, AuthenticationGuard],
  exports: [AuthStateService, AuthenticationGuard, SessionsModule, TokenModule],
})
export class AuthModule {}
