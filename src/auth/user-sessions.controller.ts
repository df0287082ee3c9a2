import { Permission } from '../common/auth/permission.js';
import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, AuthContext } from '../common/auth/auth-context.js';
import { CurrentActor, CurrentUser, RequirePermission } from '../common/auth/decorators.js';
import { ApiErrors } from '../common/errors/api-errors.js';
import { UserIdParam } from '../users/dto/user-id.param.js';
import { RevokeSessionsResponseDto } from './dto/revoke-sessions-response.dto.js';
import { SessionResponseDto } from '../sessions/dto/session-response.dto.js';
import { UserSessionsService } from './user-sessions.service.js';
import { AuditsEscalation } from '../roles/escalation-audit.interceptor.js';

/** The answers of both routes, each on one user by id. */
const ON_A_USER = {
  badRequest: 'VALIDATION_FAILED (id not a positive integer)',
  forbidden: 'PERMISSION_DENIED, PRIVILEGE_ESCALATION',
  notFound: 'USER_NOT_FOUND',
};

@ApiTags('users')
@AuditsEscalation()
@Controller('users')
export class UserSessionsController {
  constructor(private readonly userSessions: UserSessionsService) {}

  @Get(':id/sessions')
  @RequirePermission(Permission.ManageUsers)
  @ApiOperation({ operationId: 'listUserSessions', summary: "A user's live sessions, newest first" })
  @ApiOkResponse({ type: [SessionResponseDto] })
  @ApiErrors(ON_A_USER)
  list(@CurrentUser() caller: AuthContext, @Param() { id }: UserIdParam): Promise<SessionResponseDto[]> {
    return this.userSessions.list(caller, id);
  }

  @Post(':id/revoke-sessions')
  @RequirePermission(Permission.ManageUsers)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'revokeUserSessions',
    summary: 'End every live session of a user; their tokens fail from the next request',
  })
  @ApiOkResponse({ type: RevokeSessionsResponseDto })
  @ApiErrors(ON_A_USER)
  revoke(
    @CurrentActor() { auth: caller, client }: Actor,
    @Param() { id }: UserIdParam,
  ): Promise<RevokeSessionsResponseDto> {
    return this.userSessions.revokeAll(caller, id, client);
  }
}
