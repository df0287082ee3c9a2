import { Permission } from '../../common/auth/permission.js';
import { applyDecorators, Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, ClientInfo } from '../../common/auth/auth-context.js';
import { Client } from '../../common/auth/client-info.js';
import {
  AllowWhileMfaEnrollmentRequired,
  Authenticated,
  CurrentActor,
  Public,
  RequirePermission,
} from '../../common/auth/decorators.js';
import { ApiErrors } from '../../common/errors/api-errors.js';
import { JsonBodyOnly } from '../../common/http/json-body-only.js';
import { UserIdParam } from '../../users/dto/user-id.param.js';
import { LoginResponseDto } from '../dto/login-response.dto.js';
import { LoginService } from '../login.service.js';
import { LoginRateLimit } from '../throttling/login-rate-limit.js';
import { ConfirmTotpDto, DisableMfaDto, LoginMfaDto, SetupTotpDto } from './dto/mfa-request.dto.js';
import { ConfirmTotpResponseDto, SetupTotpResponseDto } from './dto/mfa-response.dto.js';
import { MfaService } from './mfa.service.js';
import { AuditsEscalation } from '../../roles/escalation-audit.interceptor.js';

const LOCKED =
  'ACCOUNT_LOCKED (with Retry-After): too many wrong passwords or codes for this username; ' +
  'the lock is kept in the database';

const SESSION_ONLY = 'SESSION_REQUIRED (an API token), PASSWORD_CHANGE_REQUIRED';

/** One of the caller's own MFA routes: signed in, and open while an enrolment is still required. */
const OwnMfaRoute = (status: HttpStatus) =>
  applyDecorators(Authenticated(), AllowWhileMfaEnrollmentRequired(), HttpCode(status));

/** Two-factor sign-in: the caller's own enrolment, the code step of a login, and an administrator's reset. */
@ApiTags('mfa')
@AuditsEscalation()
@Controller()
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly loginService: LoginService,
  ) {}

  @Post('login/mfa')
  @Public()
  @LoginRateLimit()
  @JsonBodyOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'loginMfa',
    summary: 'Second step of a login with MFA on: the mfaToken and a TOTP or recovery code; opens a session',
  })
  @ApiOkResponse({
    type: LoginResponseDto,
    description: 'Logged in: the access token, when it expires, and the user',
  })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED',
    unauthorized:
      'INVALID_MFA_CODE (wrong or used code), MFA_TOKEN_INVALID (unknown, expired or used mfaToken)',
    tooManyRequests: LOCKED,
  })
  loginMfa(@Body() dto: LoginMfaDto, @Client() client: ClientInfo): Promise<LoginResponseDto> {
    return this.loginService.loginWithCode(dto, client);
  }

  @Post('me/mfa/totp/setup')
  @OwnMfaRoute(HttpStatus.OK)
  @ApiOperation({
    operationId: 'setupTotp',
    summary: 'Start enrolling an authenticator app: a new secret and its otpauth URI; not on until confirmed',
  })
  @ApiOkResponse({ type: SetupTotpResponseDto, description: 'The secret and its URI, shown this once' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED',
    unauthorized: 'INVALID_CREDENTIALS (wrong current password), UNAUTHENTICATED',
    forbidden: SESSION_ONLY,
    conflict: 'MFA_ALREADY_ENABLED (switch it off first)',
    tooManyRequests: LOCKED,
  })
  setup(
    @CurrentActor() { auth: caller, client }: Actor,
    @Body() dto: SetupTotpDto,
  ): Promise<SetupTotpResponseDto> {
    return this.mfa.setup(caller, dto.currentPassword, client);
  }

  @Post('me/mfa/totp/confirm')
  @OwnMfaRoute(HttpStatus.OK)
  @ApiOperation({
    operationId: 'confirmTotp',
    summary:
      'Confirm the enrolment with a first code: MFA on, ten recovery codes (shown once), other sessions end',
  })
  @ApiOkResponse({ type: ConfirmTotpResponseDto, description: 'The recovery codes, shown this once only' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED',
    unauthorized: 'INVALID_MFA_CODE, UNAUTHENTICATED',
    forbidden: SESSION_ONLY,
    conflict: 'MFA_SETUP_REQUIRED (no setup to confirm)',
  })
  confirm(
    @CurrentActor() { auth: caller, client }: Actor,
    @Body() dto: ConfirmTotpDto,
  ): Promise<ConfirmTotpResponseDto> {
    return this.mfa.confirm(caller, dto.code, client);
  }

  @Delete('me/mfa')
  @OwnMfaRoute(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'disableMfa',
    summary: 'Switch two-factor sign-in off, with the password and a current code',
  })
  @ApiNoContentResponse({ description: 'Off; the secret and the recovery codes are gone' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED',
    unauthorized: 'INVALID_CREDENTIALS (wrong current password), INVALID_MFA_CODE',
    forbidden: 'MFA_REQUIRED_BY_ROLE, SESSION_REQUIRED (an API token), PASSWORD_CHANGE_REQUIRED',
    conflict: 'MFA_NOT_ENABLED',
    tooManyRequests: LOCKED,
  })
  async disable(@CurrentActor() { auth: caller, client }: Actor, @Body() dto: DisableMfaDto): Promise<void> {
    await this.mfa.disable(caller, dto.currentPassword, dto.code, client);
  }

  @Post('users/:id/reset-mfa')
  @RequirePermission(Permission.ManageUsers)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiTags('users')
  @ApiOperation({
    operationId: 'resetUserMfa',
    summary: "Clear a user's second factor and recovery codes; they enrol again",
  })
  @ApiNoContentResponse({ description: 'Cleared (also when none was set up)' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED (id not a positive integer)',
    forbidden: 'PRIVILEGE_ESCALATION (the user holds a permission you lack), PERMISSION_DENIED',
    notFound: 'USER_NOT_FOUND',
  })
  async reset(@CurrentActor() actor: Actor, @Param() { id }: UserIdParam): Promise<void> {
    await this.mfa.reset(actor, id);
  }
}
