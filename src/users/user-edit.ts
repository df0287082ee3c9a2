import type { AdministratorState } from '../roles/last-administrator.js';
import type { RoleRef } from '../roles/roles.repository.js';
import type { PlannedApiToken } from './api-token-issuer.js';
import { inGrace } from './api-token-status.js';
import type { AuditedField } from './api-user-change.js';
import type { UserChanges, UserRecord } from './user-record.js';
import { assertApiRole, ttlOnlyForApiUsers, ttlRequired } from './user-rules.js';

/** Deactivation ends a previous token's grace for good: reactivation brings back the current token only. */
export const GRACE_ENDED = { previousApiTokenId: null, previousTokenValidUntil: null } as const;

/** The user as the last-administrator rule sees it. */
export function administratorStateOf(user: UserRecord): AdministratorState {
  return { isActive: user.isActive, isApiUser: user.isApiUser, permissions: user.rolePermissions };
}

/** What an update leaves the user as, where the request does not say: as it is. */
export interface UserTarget {
  isApiUser: boolean;
  isActive: boolean;
}

/**
 * One update of a user, gathered part by part: the columns it sets, each
 * audited field's before and after, and what it ended or issued on the way.
 */
export class UserEdit {
  readonly changes: UserChanges = {};
  private readonly before: Partial<Record<AuditedField, unknown>> = {};
  private readonly after: Partial<Record<AuditedField, unknown>> = {};
  /** Issued by a conversion to an API user, shown once in the answer. */
  token?: PlannedApiToken;
  sessionsRevoked = 0;

  /** `now`: the clock's time of the edit, which judges whether the previous token's grace still runs. */
  constructor(
    readonly user: UserRecord,
    readonly target: UserTarget,
    private readonly now: number,
  ) {}

  audit(field: AuditedField, from: unknown, to: unknown): void {
    this.before[field] = from;
    this.after[field] = to;
  }

  /** Whether the user may become, or stay, what the update makes it, with `role`; before anything is written. */
  assertKind(role: RoleRef, ttlDays: number | undefined): void {
    const { isApiUser } = this.target;
    if (!isApiUser && ttlDays !== undefined) throw ttlOnlyForApiUsers();
    if (isApiUser && !this.user.isApiUser && ttlDays === undefined) throw ttlRequired();
    // Only a change that gives an API user its role is refused; an unrelated edit is not.
    if (isApiUser && (!this.user.isApiUser || this.changes.roleName !== undefined)) assertApiRole(role);
  }

  /** Nothing audited, nothing changed: the request asked for the user as it is. */
  get isEmpty(): boolean {
    return Object.keys(this.after).length === 0;
  }

  /** The `user.updated` entry's details. */
  details(): Record<string, unknown> {
    const { user, token, sessionsRevoked } = this;
    const { isApiUser, isActive } = this.target;
    const deactivated = !isActive && user.isActive;
    return {
      before: this.before,
      after: this.after,
      ...(token ? { tokenIssued: true } : {}),
      ...(user.isApiUser && !isApiUser ? { tokenRevoked: true } : {}),
      ...(deactivated && isApiUser && (token || user.hasApiToken) ? { tokenSuspended: true } : {}),
      ...(sessionsRevoked ? { sessionsRevoked } : {}),
      ...(deactivated && inGrace(user, this.now) ? { previousTokenRevoked: true } : {}),
    };
  }
}
