import type { SessionResponseDto } from './dto/session-response.dto.js';
import type { SessionEntity } from './session.entity.js';
import type { CachedSession } from './session-state.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function sessionViewOf(row: SessionEntity, currentSessionId?: string): SessionResponseDto {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastSeenAt: iso(row.lastSeenAt),
    ip: row.ip,
    userAgent: row.userAgent,
    rememberMe: row.rememberMe,
    current: row.id === currentSessionId,
  };
}

// Cached state is never changed in place (a change is a new entry), so a view is kept per state object.
const currentViews = new WeakMap<CachedSession, SessionResponseDto>();

/** The caller's own session, from the state authentication read. */
export function currentSessionViewOf(id: string, s: CachedSession): SessionResponseDto {
  const known = currentViews.get(s);
  if (known?.id === id) return known;
  const view = Object.freeze(currentViewOf(id, s));
  currentViews.set(s, view);
  return view;
}

function currentViewOf(id: string, s: CachedSession): SessionResponseDto {
  return {
    id,
    createdAt: new Date(s.createdAt).toISOString(),
    expiresAt: new Date(s.expiresAt).toISOString(),
    lastSeenAt: s.lastSeenAt ? new Date(s.lastSeenAt).toISOString() : null,
    ip: s.ip,
    userAgent: s.userAgent,
    rememberMe: s.rememberMe,
    current: true,
  };
}
