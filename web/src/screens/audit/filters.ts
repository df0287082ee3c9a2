import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** The audit filters as the URL holds them, so back/forward and a shared link show the same entries. */
export interface AuditFilters {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** ISO-8601 instants (UTC). */
  from: string;
  to: string;
  limit: number;
}

export const PAGE_SIZES = [25, 50, 100, 200, 500];
const DEFAULT_LIMIT = 50;
const TEXT_KEYS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

export const ACTIONS = [
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
];

export function useAuditFilters(): [AuditFilters, (next: AuditFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<AuditFilters>(() => {
    const limit = Number(params.get('limit'));
    return {
      actor: params.get('actor') ?? '',
      action: params.get('action') ?? '',
      targetType: params.get('targetType') ?? '',
      targetId: params.get('targetId') ?? '',
      from: params.get('from') ?? '',
      to: params.get('to') ?? '',
      limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
    };
  }, [params]);
  const apply = useCallback(
    (next: AuditFilters) => {
      const out = new URLSearchParams();
      for (const key of TEXT_KEYS) if (next[key].trim()) out.set(key, next[key].trim());
      if (next.limit !== DEFAULT_LIMIT) out.set('limit', String(next.limit));
      setParams(out);
    },
    [setParams],
  );
  return [filters, apply];
}

/** The filters as the API's query, without empty fields. */
export function filterQuery(f: AuditFilters): Record<string, string> {
  const q: Record<string, string> = {};
  for (const key of TEXT_KEYS) if (f[key]) q[key] = f[key];
  return q;
}

/** `<input type="datetime-local">` speaks local wall time; the URL and the API speak UTC instants. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
