import { Permission } from '../common/auth/permission.js';
import type { Actor } from '../users/actor.js';

/**
 * Who the CLI acts as: an operator at the machine, holding every permission,
 * recorded in the audit log as `cli`. The id matches no user (ids are positive).
 */
export const CLI_ACTOR: Actor = {
  auth: {
    userId: 0,
    username: 'cli',
    roleName: 'cli',
    permissions: new Set<string>([Permission.FullAccess]),
    kind: 'session',
    mustChangePassword: false,
  },
  client: { ip: null, userAgent: 'champa-iam-cli' },
};

/** The same actor for the entries the CLI writes itself. */
export const CLI_AUDIT_ACTOR = { id: CLI_ACTOR.auth.userId, username: CLI_ACTOR.auth.username };
