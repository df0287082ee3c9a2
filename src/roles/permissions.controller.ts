import { Permission } from '../common/auth/permission.js';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/decorators.js';
import { PermissionResponseDto } from './dto/permission-response.dto.js';
import { PermissionsService } from './permissions.service.js';

@ApiTags('roles')
@Controller('permissions')
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @Get()
  @RequirePermission(Permission.ManageRoles, Permission.ManageUsers)
  @ApiOperation({
    operationId: 'listPermissions',
    summary:
      'The permission catalog, built-in and host-registered (manage_roles or manage_users, like the role list)',
  })
  @ApiOkResponse({ type: [PermissionResponseDto] })
  list(): PermissionResponseDto[] {
    return this.permissions.catalog();
  }
}
