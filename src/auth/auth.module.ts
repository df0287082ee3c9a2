import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuditModule } from '../audit/audit.module.js';
import { AppCache } from '../cache/app-cache.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { RolesModule } from '../roles/roles.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountService } from './account.service.js';
import { AuthController } from './auth.controller.js';
import { ApiTokenUsage } from './api-token-usage.js';
import { AuthStateService } from './auth-state.service.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { BruteForceService } from './brute-force/brute-force.service.js';
import { LockoutRepository } from './brute-force/lockout.repository.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginService } from './login.service.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { MfaService } from './mfa/mfa.service.js';
import { MySessionsController } from './my-sessions.controller.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { IamThrottlerGuard } from './throttling/iam-throttler.guard.js';
import { throttlerOptions } from './throttling/throttler-options.js';
import { TokenModule } from '../tokens/token.module.js';
import { UserSessionsController } from './user-sessions.controller.js';
import { UserSessionsService } from './user-sessions.service.js';

@Module({
  imports: [
    PassportModule.register({ session: false }),
    ThrottlerModule.forRootAsync({
      inject: [IAM_OPTIONS, AppCache],
      useFactory: (options: IamOptions, cache: AppCache) => throttlerOptions(options, cache),
    }),
    UsersModule,
    RolesModule,
    AuditModule,
    SessionsModule,
    TokenModule,
  ],
  providers: [
    ApiTokenUsage,
    AuthStateService,
    JwtStrategy,
    AuthenticationGuard,
    IamThrottlerGuard,
    LockoutRepository,
    BruteForceService,
    LoginService,
    AccountService,
    UserSessionsService,
    MfaRepository,
    MfaService,
  ],
  exports: [
    AuthStateService,
    AuthenticationGuard,
    IamThrottlerGuard,
    SessionsModule,
    TokenModule,
    LoginService,
    AccountService,
    UserSessionsService,
    MfaService,
  ],
})
export class AuthModule {}

/**
 * Login, /me and session routes, under the IAM route prefix; IamModule mounts them unless told not to.
 * Roles gives their escalation-audit interceptor its dependencies.
 */
@Module({
  imports: [AuthModule, RolesModule],
  controllers: [AuthController, MySessionsController, UserSessionsController, MfaController],
})
export class AuthHttpModule {}
