import { Permission } from '../common/auth/permission.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type Actor, CurrentActor, RequirePermission } from '../common/auth/index.js';
import { ApiErrors } from '../common/errors/api-errors.js';
import { CreateUserResponseDto } from './dto/create-user-response.dto.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { RegenerateTokenResponseDto, ResetPasswordResponseDto } from './dto/credentials-response.dto.js';
import { RegenerateTokenDto } from './dto/regenerate-token.dto.js';
import { HygieneResponseDto } from './dto/hygiene-response.dto.js';
import { HygieneQuery } from './dto/hygiene.query.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserIdParam } from './dto/user-id.param.js';
import { UserListResponseDto } from './dto/user-list-response.dto.js';
import { UserResponseDto } from './dto/user-response.dto.js';
import { UserWithTokenResponseDto } from './dto/user-with-token-response.dto.js';
import { UserCredentialsService } from './user-credentials.service.js';
import { UserHygieneService } from './user-hygiene.service.js';
import { UsersService } from './users.service.js';
import { AuditsEscalation } from '../roles/escalation-audit.interceptor.js';

const BAD_ID = 'VALIDATION_FAILED (id is not a positive integer)';
const GUARD_403 = 'PERMISSION_DENIED (needs manage_users), API_ACCESS_REQUIRED, PASSWORD_CHANGE_REQUIRED';
const ESCALATION = `PRIVILEGE_ESCALATION (the user holds a permission you lack), ${GUARD_403}`;
/** The answers of every route that acts on one user by id. */
const ON_A_USER = { forbidden: ESCALATION, notFound: 'USER_NOT_FOUND' };

@ApiTags('users')
@ApiExtraModels(UserResponseDto)
@AuditsEscalation()
@Controller('users')
@RequirePermission(Permission.ManageUsers)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: UserCredentialsService,
    private readonly hygiene: UserHygieneService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users, filtered, sorted and paged' })
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiErrors({ badRequest: 'VALIDATION_FAILED (bad sort, order, flag, page or pageSize; unknown parameter)' })
  list(@Query() query: ListUsersQuery): Promise<UserListResponseDto> {
    return this.users.list(query);
  }

  // Declared before `:id`, so that "hygiene" is never read as an id.
  @Get('hygiene')
  @ApiOperation({
    operationId: 'getUserHygiene',
    summary: 'Accounts to review, with reasons',
    description:
      'Never logged in and created over 30 days ago (regular users), 5 or more failed logins since the last ' +
      'success, API tokens that never expire, expired or expiring within 7 days (or revoked), inactive accounts, ' +
      'users whose role requires MFA and who have not enrolled.',
  })
  @ApiOkResponse({ type: HygieneResponseDto })
  @ApiErrors({ badRequest: 'VALIDATION_FAILED' })
  report(@Query() query: HygieneQuery): Promise<HygieneResponseDto> {
    return this.hygiene.report(query);
  }

  @Post()
  @ApiOperation({
    operationId: 'createUser',
    summary: 'Create a user or an API user',
    description: 'An API user gets a token valid for apiTokenTtlDays; the answer carries it once (apiToken).',
  })
  @ApiCreatedResponse({ type: CreateUserResponseDto })
  @ApiErrors({
    badRequest:
      'VALIDATION_FAILED, WEAK_PASSWORD, ROLE_LACKS_API_ACCESS (an API user with a role without api_access)',
    forbidden: `PRIVILEGE_ESCALATION (the role holds a permission you lack), ${GUARD_403}`,
    notFound: 'ROLE_NOT_FOUND',
    conflict: 'USERNAME_TAKEN, EMAIL_TAKEN',
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<CreateUserResponseDto> {
    return this.users.create(actor, dto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'One user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors({ badRequest: BAD_ID, notFound: 'USER_NOT_FOUND' })
  get(@Param() { id }: UserIdParam): Promise<UserResponseDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change e-mail, role, status or API-user settings (the username is immutable)',
    description:
      'Answers the user. When the change turns a regular user into an API user, the answer also carries ' +
      'the new token once, as `apiToken`.',
  })
  @ApiOkResponse({ type: UserWithTokenResponseDto })
  @ApiErrors({
    badRequest:
      'VALIDATION_FAILED ("username is immutable" for a username in the body), CANNOT_DEACTIVATE_SELF ' +
      '(isActive false on your own account), ROLE_LACKS_API_ACCESS (an API user given, or converted ' +
      'with, a role without api_access)',
    forbidden: ESCALATION,
    notFound: 'USER_NOT_FOUND, ROLE_NOT_FOUND',
    conflict: 'EMAIL_TAKEN, LAST_ADMINISTRATOR',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: UserIdParam,
    @Body() dto: UpdateUserDto,
  ): Promise<UserWithTokenResponseDto> {
    return this.users.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteUser',
    summary: 'Delete a user; their sessions end, audit entries about them stay',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ badRequest: `CANNOT_DELETE_SELF, ${BAD_ID}`, ...ON_A_USER, conflict: 'LAST_ADMINISTRATOR' })
  async remove(@CurrentActor() actor: Actor, @Param() { id }: UserIdParam): Promise<void> {
    await this.users.remove(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resetUserPassword',
    summary: 'Give a user a temporary password (shown once); they must change it, their sessions end',
  })
  @ApiOkResponse({ type: ResetPasswordResponseDto })
  @ApiErrors({ badRequest: `API_USER_HAS_NO_PASSWORD, ${BAD_ID}`, ...ON_A_USER })
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param() { id }: UserIdParam,
  ): Promise<ResetPasswordResponseDto> {
    return this.credentials.resetPassword(actor, id);
  }

  @Post(':id/regenerate-token')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'regenerateUserToken',
    summary: 'Issue a new API token (shown once); the old one fails from the next request, or after a grace',
    description:
      'Without a body, or with graceHours 0, the previous token fails from the next request. With ' +
      'graceHours 1-168 it keeps working beside the new one until previousTokenValidUntil, so the systems ' +
      'that use it can be moved first (only a token that works now gets a grace). A token still in an ' +
      'earlier grace ends now. Deactivation, deletion and revoke-previous-token also end a grace.',
  })
  @ApiBody({ type: RegenerateTokenDto, required: false })
  @ApiOkResponse({ type: RegenerateTokenResponseDto })
  @ApiErrors({ badRequest: `NOT_AN_API_USER, VALIDATION_FAILED (graceHours), ${BAD_ID}`, ...ON_A_USER })
  regenerateToken(
    @CurrentActor() actor: Actor,
    @Param() { id }: UserIdParam,
    @Body() dto: RegenerateTokenDto,
  ): Promise<RegenerateTokenResponseDto> {
    return this.credentials.regenerateToken(actor, id, dto?.graceHours ?? 0);
  }

  @Post(':id/revoke-previous-token')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokePreviousUserToken',
    summary: "End the grace of an API user's previous token now; it fails from the next request",
  })
  @ApiNoContentResponse({ description: 'The previous token no longer works' })
  @ApiErrors({
    badRequest: `NOT_AN_API_USER, ${BAD_ID}`,
    ...ON_A_USER,
    conflict: 'NO_PREVIOUS_TOKEN (no previous token is in its grace)',
  })
  revokePreviousToken(@CurrentActor() actor: Actor, @Param() { id }: UserIdParam): Promise<void> {
    return this.credentials.revokePreviousToken(actor, id);
  }

  @Post(':id/toggle-status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'toggleUserStatus',
    summary: 'Activate or deactivate a user',
    description:
      'Reversible. Deactivation ends the sessions at once (DEACTIVATION_ENDS_SESSIONS=false lets them ' +
      'run out instead), and reactivation does not bring them back. An API token is suspended, not ' +
      'revoked: reactivation makes the same token work again, unless it expired or was regenerated ' +
      'meanwhile. Nobody toggles their own account.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors({
    badRequest: `CANNOT_DEACTIVATE_SELF, ${BAD_ID}`,
    ...ON_A_USER,
    conflict: 'LAST_ADMINISTRATOR',
  })
  toggleStatus(@CurrentActor() actor: Actor, @Param() { id }: UserIdParam): Promise<UserResponseDto> {
    return this.users.toggleStatus(actor, id);
  }
}
