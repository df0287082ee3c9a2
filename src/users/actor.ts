import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { changeEntry, userTarget } from '../audit/audit-entries.js';
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
  return changeEntry(action, actor.auth, actor.client, userTarget(user), details);
}
