import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import type { AuditEntryInput } from '../audit/audit.types.js';
import type { UserRecord } from './user-record.js';

/** Who makes a change, and from where: every change of a user is audited with both. */
export interface Actor {
  auth: AuthContext;
  client: ClientInfo;
}

/** An audit entry about `user`, made by `actor`. Never a password, hash, token or token id in `details`. */
export function userAuditEntry(
  action: AuditEntryInput['action'],
  actor: Actor,
  user: Pick<UserRecord, 'id' | 'username'>,
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    action,
    actor: { id: actor.auth.userId, username: actor.auth.username },
    target: { type: 'user', id: user.id, label: user.username },
    client: actor.client,
    outcome: 'success',
    details,
  };
}
