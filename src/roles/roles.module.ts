import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessDenials } from './access-denials.js';
import { EscalationAuditInterceptor } from './escalation-audit.interceptor.js';
import { LastAdministratorRule } from './last-administrator.js';
import { PermissionCatalog } from './permission-catalog.js';
import { PermissionsController } from './permissions.controller.js';
import { PermissionsGuard } from './permissions.guard.js';
import { PermissionsService } from './permissions.service.js';
import { RoleEntity } from './role.entity.js';
import { RolePermissionsService } from './role-permissions.service.js';
import { RolesController } from './roles.controller.js';
import { RolesRepository } from './roles.repository.js';
import { RolesService } from './roles.service.js';

// The users module reads roles through the repository too, so every provider is exported.
const PROVIDERS = [
  AccessDenials,
  EscalationAuditInterceptor,
  LastAdministratorRule,
  PermissionCatalog,
  RolePermissionsService,
  PermissionsGuard,
  PermissionsService,
  RolesRepository,
  RolesService,
];

/** Roles, the permission catalog and the permissions guard; depends on the audit module only. */
@Module({
  imports: [TypeOrmModule.forFeature([RoleEntity]), AuditModule],
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class RolesModule {}

/** The role and permission routes, under the IAM route prefix; IamModule mounts them unless told not to. */
@Module({ imports: [RolesModule], controllers: [RolesController, PermissionsController] })
export class RolesHttpModule {}
