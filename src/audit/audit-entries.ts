import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import type { AuditEntryInput } from './audit.types.js';

/** A user as an audit entry names them. */
export interface AuditedUser {
  id: number;
  username: string;
}

type Action = AuditEntryInput['action'];
type Target = NonNullable<AuditEntryInput['target']>;
type Details = Record<string, unknown>;
type Caller = Pick<AuthContext, 'userId' | 'username'>;

export const userTarget = (user: AuditedUser): Target => ({
  type: 'user',
  id: user.id,
  label: user.username,
});

/** A change a signed-in caller made to a user, a role or another target. Never a secret in `details`. */
export function changeEntry(
  action: Action,
  caller: Caller,
  client: ClientInfo | null,
  target: Target,
  details: Details,
): AuditEntryInput {
  return {
    action,
    actor: { id: caller.userId, username: caller.username },
    target,
    client,
    outcome: 'success',
    details,
  };
}

/** What a user did to their own account: they are both the actor and the target. */
export function selfEntry(
  action: Action,
  user: AuditedUser | Caller,
  client: ClientInfo,
  details: Details,
): AuditEntryInput {
  const self = 'userId' in user ? { id: user.userId, username: user.username } : user;
  return changeEntry(action, { userId: self.id, username: self.username }, client, userTarget(self), details);
}

/**
 * A refused attempt on an account by someone not (yet) signed in: a wrong password or code, or the lock
 * it caused. There is no actor, only the account aimed at (its id is null when no such user exists).
 */
export function failedAttemptEntry(
  action: Action,
  attempt: { userId: number | null; username: string; client: ClientInfo },
  details: Details,
): AuditEntryInput {
  return {
    action,
    actor: null,
    target: { type: 'user', id: attempt.userId, label: attempt.username },
    client: attempt.client,
    outcome: 'failure',
    details,
  };
}
