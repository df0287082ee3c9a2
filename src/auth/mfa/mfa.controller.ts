import { Permission } from '../../common/auth/permission.js';
import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthContext, ClientInfo } from '../../common/auth/auth-context.js';
import { Client } from '../../common/auth/client-info.js';
import {
  AllowWhileMfaEnrollmentRequired,
  Authenticated,
  CurrentUser,
  Public,
  RequirePermission,
} from '../../common/auth/decorators.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { JsonBodyOnly } from '../../common/http/json-body-only.js';
import { UserIdParam } from '../../users/dto/user-id.param.js';
import { LoginResponseDto } from '../dto/login-response.dto.js';
import { LoginService } from '../login.service.js';
import { LoginRateLimit } from '../throttling/login-rate-limit.js';
import { ConfirmTotpDto, DisableMfaDto, LoginMfaDto, SetupTotpDto } from './dto/mfa-request.dto.js';
import { ConfirmTotpResponseDto, SetupTotpResponseDto } from './dto/mfa-response.dto.js';
import { MfaService } from './mfa.service.js';
import { AuditsEscalation } from '../../roles/escalation-audit.interceptor.js';

const error = (description: string) => ({ type: ErrorResponseDto, description });
const LOCKED =
  'ACCOUNT_LOCKED (with Retry-After): too many wrong passwords or codes for this username; ' +
  'the lock is kept in the database';

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
  @ApiBadRequestResponse(error('VALIDATION_FAILED'))
  @ApiUnauthorizedResponse(
    error('INVALID_MFA_CODE (wrong or used code), MFA_TOKEN_INVALID (unknown, expired or used mfaToken)'),
  )
  @ApiTooManyRequestsResponse(error(LOCKED))
  loginMfa(@Body() dto: LoginMfaDto, @Client() client: ClientInfo): Promise<LoginResponseDto> {
    return this.loginService.loginWithCode(dto, client);
  }

  @Post('me/mfa/totp/setup')
  @Authenticated()
  @AllowWhileMfaEnrollmentRequired()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'setupTotp',
    summary: 'Start enrolling an authenticator app: a new secret and its otpauth URI; not on until confirmed',
  })
  @ApiOkResponse({ type: SetupTotpResponseDto, description: 'The secret and its URI, shown this once' })
  @ApiBadRequestResponse(error('VALIDATION_FAILED'))
  @ApiUnauthorizedResponse(error('INVALID_CREDENTIALS (wrong current password), UNAUTHENTICATED'))
  @ApiForbiddenResponse(error('SESSION_REQUIRED (an API token), PASSWORD_CHANGE_REQUIRED'))
  @ApiConflictResponse(error('MFA_ALREADY_ENABLED (switch it off first)'))
  @ApiTooManyRequestsResponse(error(LOCKED))
  setup(
    @CurrentUser() caller: AuthContext,
    @Body() dto: SetupTotpDto,
    @Client() client: ClientInfo,
  ): Promise<SetupTotpResponseDto> {
    return this.mfa.setup(caller, dto.currentPassword, client);
  }

  @Post('me/mfa/totp/confirm')
  @Authenticated()
  @AllowWhileMfaEnrollmentRequired()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'confirmTotp',
    summary:
      'Confirm the enrolment with a first code: MFA on, ten recovery codes (shown once), other sessions end',
  })
  @ApiOkResponse({ type: ConfirmTotpResponseDto, description: 'The recovery codes, shown this once only' })
  @ApiBadRequestResponse(error('VALIDATION_FAILED'))
  @ApiUnauthorizedResponse(error('INVALID_MFA_CODE, UNAUTHENTICATED'))
  @ApiForbiddenResponse(error('SESSION_REQUIRED (an API token), PASSWORD_CHANGE_REQUIRED'))
  @ApiConflictResponse(error('MFA_SETUP_REQUIRED (no setup to confirm)'))
  confirm(
    @CurrentUser() caller: AuthContext,
    @Body() dto: ConfirmTotpDto,
    @Client() client: ClientInfo,
  ): Promise<ConfirmTotpResponseDto> {
    return this.mfa.confirm(caller, dto.code, client);
  }

  @Delete('me/mfa')
  @Authenticated()
  @AllowWhileMfaEnrollmentRequired()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'disableMfa',
    summary: 'Switch two-factor sign-in off, with the password and a current code',
  })
  @ApiNoContentResponse({ description: 'Off; the secret and the recovery codes are gone' })
  @ApiBadRequestResponse(error('VALIDATION_FAILED'))
  @ApiUnauthorizedResponse(error('INVALID_CREDENTIALS (wrong current password), INVALID_MFA_CODE'))
  @ApiForbiddenResponse(
    error('MFA_REQUIRED_BY_ROLE, SESSION_REQUIRED (an API token), PASSWORD_CHANGE_REQUIRED'),
  )
  @ApiConflictResponse(error('MFA_NOT_ENABLED'))
  @ApiTooManyRequestsResponse(error(LOCKED))
  async disable(
    @CurrentUser() caller: AuthContext,
    @Body() dto: DisableMfaDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
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
  @ApiBadRequestResponse(error('VALIDATION_FAILED (id not a positive integer)'))
  @ApiForbiddenResponse(
    error('PRIVILEGE_ESCALATION (the user holds a permission you lack), PERMISSION_DENIED'),
  )
  @ApiNotFoundResponse(error('USER_NOT_FOUND'))
  async reset(
    @CurrentUser() auth: AuthContext,
    @Client() client: ClientInfo,
    @Param() { id }: UserIdParam,
  ): Promise<void> {
    await this.mfa.reset({ auth, client }, id);
  }
}
