import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Actor, AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { Client } from '../common/auth/client-info.js';
import {
  AllowWhileMfaEnrollmentRequired,
  AllowWhilePasswordChangeRequired,
  Authenticated,
  CurrentActor,
  CurrentUser,
  Public,
} from '../common/auth/decorators.js';
import { ApiErrors } from '../common/errors/api-errors.js';
import { JsonBodyOnly } from '../common/http/json-body-only.js';
import { AccountService } from './account.service.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginResponseDto } from './dto/login-response.dto.js';
import { MeResponseDto } from './dto/me-response.dto.js';
import { LoginService } from './login.service.js';
import { MfaChallengeResponseDto } from './mfa/dto/mfa-response.dto.js';
import { LoginRateLimit } from './throttling/login-rate-limit.js';

const LOCKED =
  'ACCOUNT_LOCKED (with Retry-After): too many failures for this username from this address, or from all; ' +
  'the lock is kept in the database, so no cache flush or restart lifts it';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly loginService: LoginService,
    private readonly account: AccountService,
  ) {}

  @Post('login')
  @Public()
  @LoginRateLimit()
  @JsonBodyOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'login', summary: 'Log in with username and password; opens a session' })
  @ApiExtraModels(LoginResponseDto, MfaChallengeResponseDto)
  @ApiOkResponse({
    description:
      'Logged in: the access token, when it expires, and the user; or, with MFA on, no token but an mfaToken ' +
      'for POST /login/mfa',
    schema: {
      oneOf: [{ $ref: getSchemaPath(LoginResponseDto) }, { $ref: getSchemaPath(MfaChallengeResponseDto) }],
    },
  })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED',
    unauthorized: 'INVALID_CREDENTIALS (unknown username and wrong password alike)',
    forbidden: 'INTERACTIVE_LOGIN_NOT_ALLOWED (API user), ACCOUNT_DISABLED (after a correct password)',
    tooManyRequests: LOCKED,
  })
  login(
    @Body() dto: LoginDto,
    @Client() client: ClientInfo,
  ): Promise<LoginResponseDto | MfaChallengeResponseDto> {
    return this.loginService.login(dto, client);
  }

  @Post('logout')
  @Authenticated()
  @AllowWhilePasswordChangeRequired()
  @AllowWhileMfaEnrollmentRequired()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'logout', summary: 'End the session this request was made with' })
  @ApiNoContentResponse({ description: 'The session is revoked; its token fails from the next request' })
  @ApiErrors({ forbidden: 'SESSION_REQUIRED (an API token)' })
  async logout(@CurrentActor() { auth: caller, client }: Actor): Promise<void> {
    await this.account.logout(caller, client);
  }

  @Get('me')
  @Authenticated()
  @AllowWhilePasswordChangeRequired()
  @AllowWhileMfaEnrollmentRequired()
  @ApiOperation({ operationId: 'me', summary: 'The caller: user, effective permissions and session' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentUser() caller: AuthContext): MeResponseDto | Promise<MeResponseDto> {
    return this.account.me(caller);
  }

  @Post('me/password')
  @Authenticated()
  @AllowWhilePasswordChangeRequired()
  @AllowWhileMfaEnrollmentRequired()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'changeOwnPassword',
    summary: 'Change your password; ends your other sessions and clears a pending password change',
  })
  @ApiNoContentResponse({ description: 'Changed; this session stays, every other one is revoked' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED, WEAK_PASSWORD',
    unauthorized: 'INVALID_CREDENTIALS (wrong current password)',
    forbidden: 'SESSION_REQUIRED (an API token)',
    tooManyRequests: LOCKED,
  })
  async changePassword(
    @CurrentActor() { auth: caller, client }: Actor,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.account.changePassword(caller, dto, client);
  }
}
