import type { ClientInfo } from '../common/auth/auth-context.js';

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.logout',
  'auth.password_changed',
  'auth.permission_denied',
  'auth.mfa_enabled',
  'auth.mfa_disabled',
  'auth.mfa_failed',
  'auth.recovery_code_used',
  'user.created',
  'user.updated',
  'user.deleted',
  'user.password_reset',
  'user.token_regenerated',
  'user.previous_token_revoked',
  'user.status_changed',
  'user.sessions_revoked',
  'user.mfa_reset',
  'role.created',
  'role.updated',
  'role.deleted',
  // Written by the retention job: which entries it removed, so the gap is itself on record.
  'audit.pruned',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What a caller records; the service adds time and the hash chain. */
export interface AuditEntryInput {
  /** One of AUDIT_ACTIONS, or a host application's own (`reports.exported`). */
  action: AuditAction | (string & {});
  actor?: { id: number | null; username: string | null } | null;
  target?: { type: string; id?: string | number | null; label?: string | null } | null;
  client?: ClientInfo | null;
  outcome: AuditOutcome;
  /** Never a password, hash, token or token id. */
  details?: Record<string, unknown>;
}
