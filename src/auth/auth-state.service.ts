import { Inject, Injectable } from '@nestjs/common';
import { AppCache } from '../cache/app-cache.js';
import { Clock } from '../common/clock.js';
import { CacheKeys } from '../cache/cache-keys.js';
import type { AuthContext } from '../common/auth/auth-context.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { RolePermissionsService } from '../roles/role-permissions.service.js';
import { ApiTokenUsage } from './api-token-usage.js';
import { InvalidTokenError, TokenRevokedError } from './auth.errors.js';
import { checkApiToken, checkSession } from './auth-state-checks.js';
import { AuthStateLoader } from './auth-state-loader.js';
import { SessionLastSeen } from './session-last-seen.js';
import type { CachedSession } from '../sessions/session-state.js';
import { type CachedUser, mfaEnrollmentRequired } from './user-state.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import type { TokenClaims } from '../tokens/token-claims.js';
import { UsersRepository } from '../users/users.repository.js';

/** The caller's state as this request read it. */
export interface ResolvedState {
  user: CachedUser;
  session: CachedSession | null;
}

/** A token's caller as this process knows it (see `callerOf`). */
interface KnownCaller {
  userId: number;
  kind: 'session' | 'api';
  ids: { sessionId: string } | { tokenId: string };
  userKey: string;
  sessionKey: string | undefined;
  seenKey: string | undefined;
  /** The role read along with the user, and its key. */
  roleName?: string;
  roleKey?: string;
  /** The keys read last, and what they were chosen by: the same list serves while neither changes. */
  reads?: { hint: string | undefined; seenKnown: boolean; keys: string[] };
  /** The context answered last, and the state it was built from. */
  last?: {
    user: CachedUser;
    session: CachedSession | null;
    permissions: readonly string[];
    context: AuthContext;
  };
}

const ROLE_HINTS_MAX = 100_000;

/**
 * The per-request auth state: after the signature check, who the caller is
 * now (active, role, permissions, session or token still current), read
 * through the cache and, on a miss or a cache outage, from PostgreSQL.
 */
@Injectable()
export class AuthStateService {
  // Per request, not shared: lets /me answer from what authentication already read.
  private readonly resolved = new WeakMap<AuthContext, ResolvedState>();
  // user id → the role name seen last: which role key to read along with the user. Only a guess, never
  // an answer (a wrong or missing one costs a second read), so it is safe to keep per process.
  private readonly roleHints = new Map<number, string>();
  // By claims object: a token verified here before comes back as the same object (see JwtStrategy).
  private readonly callers = new WeakMap<TokenClaims, KnownCaller>();
  // A cached role entry is never changed in place (a change is a new entry): its set is built once.
  private readonly permissionSets = new WeakMap<readonly string[], ReadonlySet<string>>();

  private readonly load: AuthStateLoader;
  private readonly lastSeen: SessionLastSeen;

  constructor(
    users: UsersRepository,
    sessions: SessionsRepository,
    private readonly rolePermissions: RolePermissionsService,
    private readonly cache: AppCache,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    private readonly clock: Clock,
    private readonly tokenUsage: ApiTokenUsage,
  ) {
    this.load = new AuthStateLoader(users, sessions, cache, options.authCacheTtlSeconds, clock);
    this.lastSeen = new SessionLastSeen(cache, sessions);
  }

  /**
   * The caller's context: at once when this process holds the state it needs (the local auth layer), a
   * promise otherwise. Every refusal is a rejected promise, never a throw.
   */
  resolve(claims: TokenClaims): AuthContext | Promise<AuthContext> {
    try {
      return this.resolveNow(claims);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  private resolveNow(claims: TokenClaims): AuthContext | Promise<AuthContext> {
    const caller = this.callerOf(claims);
    const userId = caller.userId;
    // The role the user had last time here rides along in the first read, saving a round trip.
    const hint = this.roleHints.get(userId);
    if (hint !== undefined && hint !== caller.roleName) {
      caller.roleName = hint;
      caller.roleKey = CacheKeys.role(hint);
    }
    if (claims.typ === 'session') {
      const seenKnown = !this.lastSeen.markerNeeded(claims.sid, this.clock.now());
      const keys = this.sessionKeys(caller, hint, seenKnown);
      const read = this.cache.mgetNow<unknown>(keys);
      return Array.isArray(read)
        ? this.sessionCaller(caller, claims.sid, hint, seenKnown, read)
        : read.then((values) => this.sessionCaller(caller, claims.sid, hint, seenKnown, values));
    }
    const keys = hint === undefined ? [caller.userKey] : [caller.userKey, caller.roleKey!];
    const read = this.cache.mgetNow<unknown>(keys);
    return Array.isArray(read)
      ? this.apiCaller(caller, claims.jti, hint, read)
      : read.then((values) => this.apiCaller(caller, claims.jti, hint, values));
  }

  private sessionKeys(caller: KnownCaller, hint: string | undefined, seenKnown: boolean): string[] {
    const last = caller.reads;
    if (last && last.hint === hint && last.seenKnown === seenKnown) return last.keys;
    const keys = [caller.sessionKey!, caller.userKey];
    if (hint !== undefined) keys.push(caller.roleKey!);
    if (!seenKnown) keys.push(caller.seenKey!);
    caller.reads = { hint, seenKnown, keys };
    return keys;
  }

  private sessionCaller(
    caller: KnownCaller,
    sessionId: string,
    hint: string | undefined,
    seenKnown: boolean,
    values: unknown[],
  ): AuthContext | Promise<AuthContext> {
    const session = values[0] as CachedSession | undefined;
    const user = values[1] as CachedUser | undefined;
    const cachedRole = hint !== undefined ? values[2] : undefined;
    // Whether the last-seen marker was found set; null when it was not read.
    const seen = seenKnown ? null : values[hint !== undefined ? 3 : 2] !== undefined;
    if (session === undefined || user === undefined) {
      return this.loadSessionCaller(caller, sessionId, hint, seen, session, user, cachedRole);
    }
    return this.sessionContext(caller, sessionId, hint, seen, session, user, cachedRole);
  }

  /** A session or user the cache lacked: read from PostgreSQL (and cached), then checked alike. */
  private async loadSessionCaller(
    caller: KnownCaller,
    sessionId: string,
    hint: string | undefined,
    seen: boolean | null,
    session: CachedSession | undefined,
    user: CachedUser | undefined,
    cachedRole: unknown,
  ): Promise<AuthContext> {
    const read = session ?? (await this.load.session(sessionId));
    const readUser = user ?? (await this.load.user(caller.userId));
    return this.sessionContext(caller, sessionId, hint, seen, read, readUser, cachedRole);
  }

  private sessionContext(
    caller: KnownCaller,
    sessionId: string,
    hint: string | undefined,
    seen: boolean | null,
    session: CachedSession | null,
    user: CachedUser | null,
    cachedRole: unknown,
  ): AuthContext | Promise<AuthContext> {
    const now = this.clock.now();
    checkSession(session, user, caller.userId, this.options.deactivationEndsSessions, now);
    if (seen !== null) this.lastSeen.touch(sessionId, session!, seen, now);
    return this.context(caller, user!, session, hint, cachedRole);
  }

  private apiCaller(
    caller: KnownCaller,
    tokenId: string,
    hint: string | undefined,
    [cachedUser, cachedRole]: unknown[],
  ): AuthContext | Promise<AuthContext> {
    if (cachedUser === undefined) {
      return this.load
        .user(caller.userId)
        .then((user) => this.apiContext(caller, tokenId, hint, user, cachedRole));
    }
    return this.apiContext(caller, tokenId, hint, cachedUser as CachedUser, cachedRole);
  }

  private apiContext(
    caller: KnownCaller,
    tokenId: string,
    hint: string | undefined,
    user: CachedUser | null,
    cachedRole: unknown,
  ): AuthContext | Promise<AuthContext> {
    const previous = checkApiToken(user, tokenId, this.clock.now());
    this.tokenUsage.used(caller.userId, tokenId, previous);
    return this.context(caller, user!, null, hint, cachedRole);
  }

  /**
   * What this process knows of a token's caller: its cache keys, and the context it answered last with
   * what that was built from. A token this process verified before comes back as the same claims
   * object, so its keys are built once and, while the state it read is the same, so is its context.
   */
  private callerOf(claims: TokenClaims): KnownCaller {
    const known = this.callers.get(claims);
    if (known) return known;
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new InvalidTokenError();
    const session = claims.typ === 'session';
    const caller: KnownCaller = {
      userId,
      userKey: CacheKeys.user(userId),
      sessionKey: session ? CacheKeys.session(claims.sid) : undefined,
      seenKey: session ? CacheKeys.sessionSeen(claims.sid) : undefined,
      ids: session ? { sessionId: claims.sid } : { tokenId: claims.jti },
      kind: session ? 'session' : 'api',
    };
    this.callers.set(claims, caller);
    return caller;
  }

  /** The state authentication read for this caller; re-read when the context did not come from resolve(). */
  stateOf(caller: AuthContext): Promise<ResolvedState> {
    const known = this.resolved.get(caller);
    return known ? Promise.resolve(known) : this.reread(caller);
  }

  /** The state authentication read for this caller, if this context came from resolve(). */
  knownStateOf(caller: AuthContext): ResolvedState | undefined {
    return this.resolved.get(caller);
  }

  private async reread(caller: AuthContext): Promise<ResolvedState> {
    const user = await this.load.user(caller.userId);
    if (!user) throw new TokenRevokedError('Account no longer exists');
    const session = caller.sessionId ? await this.load.session(caller.sessionId) : null;
    return { user, session };
  }

  /** The caller's context; without waiting when the role's permissions came with the first read. */
  private context(
    caller: KnownCaller,
    user: CachedUser,
    session: CachedSession | null,
    hint: string | undefined,
    cachedRole: unknown,
  ): AuthContext | Promise<AuthContext> {
    // A hint is only a guess at which key to read: the permissions are the cached entry of the role the user has now.
    const known = hint === user.roleName && Array.isArray(cachedRole);
    if (hint !== user.roleName) this.rememberRole(user.id, user.roleName);
    if (known) return this.contextOf(caller, user, session, cachedRole as string[]);
    return this.rolePermissions
      .permissionsOf(user.roleName)
      .then((permissions) => this.contextOf(caller, user, session, permissions));
  }

  private contextOf(
    caller: KnownCaller,
    user: CachedUser,
    session: CachedSession | null,
    permissions: string[],
  ): AuthContext {
    const last = caller.last;
    if (last?.user === user && last.session === session && last.permissions === permissions) {
      return last.context;
    }
    // Shared by every request that reads the same state: frozen, like the state it comes from.
    const context: AuthContext = Object.freeze({
      userId: user.id,
      username: user.username,
      roleName: user.roleName,
      permissions: this.permissionSetOf(permissions),
      kind: caller.kind,
      ...caller.ids,
      mustChangePassword: user.mustChangePassword,
      mfaEnrollmentRequired: mfaEnrollmentRequired(user),
    });
    this.resolved.set(context, { user, session });
    caller.last = { user, session, permissions, context };
    return context;
  }

  /** One set per role entry read from the cache, shared by the requests it serves (and its sorted list in /me). */
  private permissionSetOf(permissions: string[]): ReadonlySet<string> {
    let set = this.permissionSets.get(permissions);
    if (!set) this.permissionSets.set(permissions, (set = new Set(permissions)));
    return set;
  }

  private rememberRole(userId: number, roleName: string): void {
    if (this.roleHints.size >= ROLE_HINTS_MAX) this.roleHints.clear();
    this.roleHints.set(userId, roleName);
  }
}
