import { Permission } from '../common/auth/permission.js';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { Client } from '../common/auth/client-info.js';
import { CurrentUser, RequirePermission } from '../common/auth/decorators.js';
import { ErrorResponseDto } from '../common/http/error-response.dto.js';
import { CreateRoleDto } from './dto/create-role.dto.js';
import { RoleResponseDto } from './dto/role-response.dto.js';
import { UpdateRoleDto } from './dto/update-role.dto.js';
import { RolesService } from './roles.service.js';
import { AuditsEscalation } from './escalation-audit.interceptor.js';

const NAME_PARAM = { name: 'name', description: 'The role name', example: 'process_analyst' };
const NOT_FOUND = { status: 404, type: ErrorResponseDto, description: 'ROLE_NOT_FOUND' };

@ApiTags('roles')
@AuditsEscalation()
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermission(Permission.ManageRoles, Permission.ManageUsers)
  @ApiOperation({
    operationId: 'listRoles',
    summary: 'List roles with their user counts (manage_roles or manage_users)',
  })
  @ApiOkResponse({ type: [RoleResponseDto] })
  list(): Promise<RoleResponseDto[]> {
    return this.roles.list();
  }

  @Get(':name')
  @RequirePermission(Permission.ManageRoles)
  @ApiOperation({ operationId: 'getRole', summary: 'One role (manage_roles)' })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: RoleResponseDto })
  @ApiResponse(NOT_FOUND)
  get(@Param('name') name: string): Promise<RoleResponseDto> {
    return this.roles.get(name);
  }

  @Post()
  @RequirePermission(Permission.ManageRoles)
  @ApiOperation({
    operationId: 'createRole',
    summary: 'Create a custom role from permissions the caller holds (manage_roles)',
  })
  @ApiCreatedResponse({ type: RoleResponseDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED (bad name, displayName, description, unknown or duplicate permissions)',
  })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'PRIVILEGE_ESCALATION (names the permissions the caller lacks)',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'ROLE_EXISTS' })
  create(
    @CurrentUser() caller: AuthContext,
    @Client() client: ClientInfo,
    @Body() dto: CreateRoleDto,
  ): Promise<RoleResponseDto> {
    return this.roles.create(caller, client, dto);
  }

  @Patch(':name')
  @RequirePermission(Permission.ManageRoles)
  @ApiOperation({
    operationId: 'updateRole',
    summary: 'Edit a role; the name is immutable and a system role keeps its permissions (manage_roles)',
  })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: RoleResponseDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED (a name, bad displayName, description, unknown or duplicate permissions)',
  })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'SYSTEM_ROLE (permissions of a system role), PRIVILEGE_ESCALATION',
  })
  @ApiResponse(NOT_FOUND)
  update(
    @CurrentUser() caller: AuthContext,
    @Client() client: ClientInfo,
    @Param('name') name: string,
    @Body() dto: UpdateRoleDto,
  ): Promise<RoleResponseDto> {
    return this.roles.update(caller, client, name, dto);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermission(Permission.ManageRoles)
  @ApiOperation({
    operationId: 'deleteRole',
    summary: 'Delete a custom role that no user holds (manage_roles)',
  })
  @ApiParam(NAME_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'SYSTEM_ROLE, PRIVILEGE_ESCALATION',
  })
  @ApiResponse(NOT_FOUND)
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'ROLE_IN_USE: Cannot delete role. N user(s) are assigned to this role',
  })
  async remove(
    @CurrentUser() caller: AuthContext,
    @Client() client: ClientInfo,
    @Param('name') name: string,
  ): Promise<void> {
    await this.roles.remove(caller, client, name);
  }
}
