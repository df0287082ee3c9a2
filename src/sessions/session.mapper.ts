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

/** The caller's own session, from the state authentication read. */
export function currentSessionViewOf(id: string, s: CachedSession): SessionResponseDto {
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
