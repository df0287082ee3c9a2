// The public API of champa-iam for a NestJS application that embeds it.

// The module and its options
export { IamModule, type IamModuleAsyncOptions, type IamModuleShape } from './iam.module.js';
export { defineIamOptions, type IamOptionsInput } from './config/define-iam-options.js';
export { Permission, type BuiltInPermission } from './common/auth/permission.js';
export { IAM_OPTIONS, type IamOptions, type PermissionDefinition } from './config/iam-options.js';
export { API_PREFIX } from './common/http/routes.js';
// A Fastify host's reply serializer: sends the answers the modules keep ready (a session's /me) as they are.
export { jsonOf } from './common/http/kept-json.js';
export type { AdminConsoleOptions } from './config/admin-console.options.js';

// What the host's TypeORM connection and cache need
export { IAM_ENTITIES } from './iam-entities.js';
export { IAM_MIGRATIONS } from '../migrations/index.js';
export { TransactionRunner, type Tx } from './database/transaction.js';
export { AppCacheModule, type AppCacheSettings } from './cache/cache.module.js';
export { AppCache } from './cache/app-cache.js';

// Protecting the host's own routes
export {
  AllowWhilePasswordChangeRequired,
  Authenticated,
  Client,
  CurrentUser,
  Public,
  RequirePermission,
  type AuthContext,
  type ClientInfo,
} from './common/auth/index.js';
export { AuthenticationGuard } from './auth/authentication.guard.js';
export { PermissionsGuard } from './roles/permissions.guard.js';
// On a host controller that calls UsersService: records a refused escalation as an access denial.
export { AuditsEscalation } from './roles/escalation-audit.interceptor.js';

// Services a host calls
export { PermissionsService } from './roles/permissions.service.js';
export { UsersService } from './users/users.service.js';
export type { ListUsersQuery } from './users/dto/list-users.query.js';
export type { UserListResponseDto } from './users/dto/user-list-response.dto.js';
export type { UserResponseDto } from './users/dto/user-response.dto.js';
export { AuditService } from './audit/audit.service.js';
export type { AuditEntryInput, AuditOutcome } from './audit/audit.types.js';
export { IamMetrics } from './metrics/iam-metrics.js';

// Errors: one body and one set of codes for the host's routes and the IAM's
export * from './common/errors/index.js';
export { ErrorResponseDto } from './common/http/error-response.dto.js';
// What UsersService and the permission checks throw, for a host that catches one by its class
export {
  ApiUserHasNoPasswordError,
  CannotDeactivateSelfError,
  CannotDeleteSelfError,
  EmailTakenError,
  LastAdministratorError,
  NoPreviousTokenError,
  NotAnApiUserError,
  RoleLacksApiAccessError,
  UsernameTakenError,
  UserNotFoundError,
  WeakPasswordError,
} from './users/users.errors.js';
export {
  PermissionDeniedError,
  PrivilegeEscalationError,
  RoleInUseError,
  RoleNotFoundError,
} from './roles/roles.errors.js';
