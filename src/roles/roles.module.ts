import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { PermissionCatalog } from './permission-catalog.js';
import { PermissionsGuard } from './permissions.guard.js';
import { RoleEntity } from './role.entity.js';
import { RolePermissionsService } from './role-permissions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([RoleEntity]), AuditModule],
  providers: [PermissionCatalog, RolePermissionsService, PermissionsGuard],
  exports: [PermissionCatalog, RolePermissionsService, PermissionsGuard],
})
export class RolesModule {}
