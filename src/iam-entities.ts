import { AuditEventEntity } from './audit/audit-event.entity.js';
import { SessionEntity } from './sessions/session.entity.js';
import { RoleEntity } from './roles/role.entity.js';
import { UserEntity } from './users/user.entity.js';

/** Every entity of the IAM modules; a host with its own DataSource adds these. */
export const IAM_ENTITIES = [RoleEntity, UserEntity, SessionEntity, AuditEventEntity];
