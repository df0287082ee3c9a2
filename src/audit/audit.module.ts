import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditRetentionService } from './audit-retention.service.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** The audit log: recording (for every other module), reading, export, verification, retention. Depends on no other IAM module. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditService, AuditRepository, AuditLogService, AuditRetentionService],
  exports: [AuditService, AuditRetentionService, AuditLogService],
})
export class AuditModule {}

/** The audit routes, under the IAM route prefix; IamModule mounts them unless told not to. */
@Module({ imports: [AuditModule], controllers: [AuditController] })
export class AuditHttpModule {}
