import type { Actor } from '../common/auth/auth-context.js';
import { changeEntry, userTarget } from '../audit/audit-entries.js';
import type { AuditEntryInput } from '../audit/audit.types.js';
import type { UserRecord } from './user-record.js';

export type { Actor };

/** An audit entry about `user`, made by `actor`. Never a password, hash, token or token id in `details`. */
export function userAuditEntry(
  action: AuditEntryInput['action'],
  actor: Actor,
  user: Pick<UserRecord, 'id' | 'username'>,
  details: Record<string, unknown>,
): AuditEntryInput {
  return changeEntry(action, actor.auth, actor.client, userTarget(user), details);
}
