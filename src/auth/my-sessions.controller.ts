import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, AuthContext } from '../common/auth/auth-context.js';
import { Authenticated, CurrentActor, CurrentUser } from '../common/auth/decorators.js';
import { ApiErrors } from '../common/errors/api-errors.js';
import { AccountService } from './account.service.js';
import { SessionIdParam } from './dto/session-id.param.js';
import { SessionResponseDto } from '../sessions/dto/session-response.dto.js';

@ApiTags('auth')
@Controller('me/sessions')
export class MySessionsController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ operationId: 'listOwnSessions', summary: 'Your live sessions, newest first' })
  @ApiOkResponse({ type: [SessionResponseDto] })
  @ApiErrors({ forbidden: 'SESSION_REQUIRED (an API token)' })
  list(@CurrentUser() caller: AuthContext): Promise<SessionResponseDto[]> {
    return this.account.listMine(caller);
  }

  @Delete(':id')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'endOwnSession', summary: 'End one of your sessions (another device)' })
  @ApiNoContentResponse({ description: 'The session is revoked' })
  @ApiErrors({
    badRequest: 'VALIDATION_FAILED (not a UUID)',
    forbidden: 'SESSION_REQUIRED (an API token)',
    notFound: 'SESSION_NOT_FOUND (no live session of yours with this id)',
  })
  async end(@CurrentActor() { auth: caller, client }: Actor, @Param() { id }: SessionIdParam): Promise<void> {
    await this.account.endMine(caller, id, client);
  }
}
