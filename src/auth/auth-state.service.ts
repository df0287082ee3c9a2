import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import type { AuthContext } from '../common/auth/auth-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { RolePermissionsService } from '../roles/role-permissions.service.js';
import { UserEntity } from '../users/user.entity.js';
import type { CachedSession } from './sessions/session-state.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import type { TokenClaims } from './token/token-claims.js';

/** What the cache keeps per user: enough to accept or refuse a caller without the database. */
export interface CachedUser {
  id: number;
  username: string;
  roleName: string;
  isActive: boolean;
  isApiUser: boolean;
  mustChangePassword: boolean;
  apiTokenId: string | null;
  /** epoch ms, or null for a token that never expires */
  apiTokenExpiresAt: number | null;
}

const LAST_SEEN_EVERY_MS = 60_000;

const revoked = (message: string) => new DomainError('TOKEN_REVOKED', message);

/**
 * The per-request auth state: after the signature check, who the caller is
 * now (active, role, permissions, session or token still current), read
 * through the cache and, on a miss or a cache outage, from PostgreSQL.
 */
@Injectable()
export class AuthStateService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sessions: SessionsRepository,
    private readonly rolePermissions: RolePermissionsService,
    private readonly cache: AppCache,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
  ) {}

  async resolve(claims: TokenClaims): Promise<AuthContext> {
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || userId <= 0)
      throw new DomainError('UNAUTHENTICATED', 'Invalid token');
    if (claims.typ === 'session') {
      const [cachedSession, cachedUser] = await this.cache.mget<CachedSession | CachedUser>([
        CacheKeys.session(claims.sid),
        CacheKeys.user(userId),
      ]);
      const session = (cachedSession as CachedSession | undefined) ?? (await this.loadSession(claims.sid));
      const user = (cachedUser as CachedUser | undefined) ?? (await this.loadUser(userId));
      this.checkSession(session, user, userId);
      this.touch(claims.sid, session!);
      return this.context(user!, 'session', { sessionId: claims.sid });
    }
    const user = (await this.cache.get<CachedUser>(CacheKeys.user(userId))) ?? (await this.loadUser(userId));
    this.checkApiToken(user, claims.jti);
    return this.context(user!, 'api', { tokenId: claims.jti });
  }

  private checkSession(session: CachedSession | null, user: CachedUser | null, userId: number): void {
    if (!session || session.userId !== userId) throw revoked('Session not found');
    if (session.revoked) throw revoked('Session has been revoked');
    if (session.expiresAt <= Date.now()) throw new DomainError('TOKEN_EXPIRED', 'Session has expired');
    if (!user) throw revoked('Account no longer exists');
    if (user.isApiUser) throw revoked('API users have no sessions');
    if (!user.isActive && this.options.deactivationEndsSessions) throw revoked('Account is deactivated');
  }

  private checkApiToken(user: CachedUser | null, tokenId: string): void {
    if (!user || !user.isApiUser || !user.apiTokenId || user.apiTokenId !== tokenId) {
      throw revoked('API token is no longer valid');
    }
    if (!user.isActive) throw revoked('Account is deactivated');
    if (user.apiTokenExpiresAt !== null && user.apiTokenExpiresAt <= Date.now()) {
      throw new DomainError('TOKEN_EXPIRED', 'API token has expired');
    }
  }

  private async context(
    user: CachedUser,
    kind: 'session' | 'api',
    ids: { sessionId?: string; tokenId?: string },
  ): Promise<AuthContext> {
    const permissions = await this.rolePermissions.permissionsOf(user.roleName);
    return {
      userId: user.id,
      username: user.username,
      roleName: user.roleName,
      permissions: new Set(permissions),
      kind,
      ...ids,
      mustChangePassword: user.mustChangePassword,
    };
  }

  private async loadSession(sessionId: string): Promise<CachedSession | null> {
    const row = await this.sessions.findById(sessionId);
    if (!row) return null;
    const state: CachedSession = {
      userId: row.userId,
      expiresAt: row.expiresAt.getTime(),
      revoked: row.revokedAt !== null,
      lastSeenAt: row.lastSeenAt?.getTime() ?? 0,
    };
    await this.cache.set(CacheKeys.session(sessionId), state, this.ttlFor(state.expiresAt));
    return state;
  }

  private async loadUser(userId: number): Promise<CachedUser | null> {
    const row = await this.users.findOne({
      where: { id: userId },
      select: {
        id: true,
        username: true,
        roleName: true,
        isActive: true,
        isApiUser: true,
        mustChangePassword: true,
        apiTokenId: true,
        apiTokenExpiresAt: true,
      },
    });
    if (!row) return null;
    const state: CachedUser = {
      id: row.id,
      username: row.username,
      roleName: row.roleName,
      isActive: row.isActive,
      isApiUser: row.isApiUser,
      mustChangePassword: row.mustChangePassword,
      apiTokenId: row.apiTokenId,
      apiTokenExpiresAt: row.apiTokenExpiresAt?.getTime() ?? null,
    };
    await this.cache.set(CacheKeys.user(userId), state, this.options.authCacheTtlSeconds);
    return state;
  }

  private ttlFor(expiresAt: number): number {
    const left = Math.ceil((expiresAt - Date.now()) / 1000);
    return Math.max(1, Math.min(this.options.authCacheTtlSeconds, left));
  }

  // last_seen is written at most once a minute per session, off the request path.
  private touch(sessionId: string, session: CachedSession): void {
    const now = Date.now();
    if (now - session.lastSeenAt < LAST_SEEN_EVERY_MS) return;
    session.lastSeenAt = now;
    void this.cache.set(CacheKeys.session(sessionId), session, this.ttlFor(session.expiresAt));
    this.sessions.touch(sessionId, new Date(now)).catch(() => undefined);
  }
}
