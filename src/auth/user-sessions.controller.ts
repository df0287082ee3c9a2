import { Permission } from '../common/auth/permission.js';
import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { Client } from '../common/auth/client-info.js';
import { CurrentUser, RequirePermission } from '../common/auth/decorators.js';
import { ErrorResponseDto } from '../common/http/error-response.dto.js';
import { UserIdParam } from '../users/dto/user-id.param.js';
import { RevokeSessionsResponseDto } from './dto/revoke-sessions-response.dto.js';
import { SessionResponseDto } from '../sessions/dto/session-response.dto.js';
import { UserSessionsService } from './user-sessions.service.js';
import { AuditsEscalation } from '../roles/escalation-audit.interceptor.js';

@ApiTags('users')
@AuditsEscalation()
@Controller('users')
export class UserSessionsController {
  constructor(private readonly userSessions: UserSessionsService) {}

  @Get(':id/sessions')
  @RequirePermission(Permission.ManageUsers)
  @ApiOperation({ operationId: 'listUserSessions', summary: "A user's live sessions, newest first" })
  @ApiOkResponse({ type: [SessionResponseDto] })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED (id not a positive integer)',
  })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'PERMISSION_DENIED, PRIVILEGE_ESCALATION' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'USER_NOT_FOUND' })
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
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED (id not a positive integer)',
  })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'PERMISSION_DENIED, PRIVILEGE_ESCALATION' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'USER_NOT_FOUND' })
  revoke(
    @CurrentUser() caller: AuthContext,
    @Param() { id }: UserIdParam,
    @Client() client: ClientInfo,
  ): Promise<RevokeSessionsResponseDto> {
    return this.userSessions.revokeAll(caller, id, client);
  }
}
