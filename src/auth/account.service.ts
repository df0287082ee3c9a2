import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { TransactionRunner } from '../database/transaction.js';
import { PermissionCatalog } from '../roles/permission-catalog.js';
import { Permission } from '../common/auth/permission.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { PasswordPolicy } from '../users/password-policy.js';
import {
  SessionNotFoundError,
  SessionRequiredError,
  UnchangedPasswordError,
  WrongCurrentPasswordError,
} from './auth.errors.js';
import { AuthStateService } from './auth-state.service.js';
import { type CachedUser, mfaEnrollmentRequired } from './user-state.js';
import { UsersRepository } from '../users/users.repository.js';
import { BruteForceService } from './brute-force/brute-force.service.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { MeResponseDto } from './dto/me-response.dto.js';
import type { SessionResponseDto } from '../sessions/dto/session-response.dto.js';
import { currentSessionViewOf, sessionViewOf } from '../sessions/session.mapper.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { userViewOf } from './cached-user.mapper.js';
import { selfEntry } from '../audit/audit-entries.js';
import { keepJson } from '../common/http/kept-json.js';
import type { CachedSession } from '../sessions/session-state.js';

/** The /me answer kept for a session state, with what else it was built from. */
interface KeptMe {
  user: CachedUser;
  sessionId: string;
  permissions: ReadonlySet<string>;
  answer: MeResponseDto;
}

/** What callers do with their own account: who am I, my password, my sessions. */
@Injectable()
export class AccountService {
  private readonly sorted = new WeakMap<ReadonlySet<string>, readonly string[]>();
  // A session caller's /me depends only on cached state that is never changed in place (a change is a new
  // entry), so one answer, with its JSON text, is kept per session state. An API user's view also depends
  // on the time (its token's status) and is built on every request.
  private readonly answers = new WeakMap<CachedSession, KeptMe>();

  constructor(
    private readonly authState: AuthStateService,
    private readonly catalog: PermissionCatalog,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly bruteForce: BruteForceService,
    private readonly sessions: SessionsService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Answered at once from what authentication read; re-read only for a context that did not come from it. */
  me(caller: AuthContext): MeResponseDto | Promise<MeResponseDto> {
    const known = this.authState.knownStateOf(caller);
    if (known) return this.answerFor(caller, known.user, known.session);
    return this.authState.stateOf(caller).then(({ user, session }) => this.answerFor(caller, user, session));
  }

  private answerFor(caller: AuthContext, user: CachedUser, session: CachedSession | null): MeResponseDto {
    const sessionId = caller.sessionId;
    if (user.isApiUser || !session || !sessionId) return this.meOf(caller, user, session);
    const kept = this.answers.get(session);
    if (kept?.user === user && kept.sessionId === sessionId && kept.permissions === caller.permissions) {
      return kept.answer;
    }
    const answer = keepJson(this.meOf(caller, user, session));
    this.answers.set(session, { user, sessionId, permissions: caller.permissions, answer });
    return answer;
  }

  private meOf(caller: AuthContext, user: CachedUser, session: CachedSession | null): MeResponseDto {
    return {
      user: userViewOf(user, this.clock.now()),
      permissions: this.effectivePermissions(caller.permissions),
      mfaEnrollmentRequired: mfaEnrollmentRequired(user),
      session: session && caller.sessionId ? currentSessionViewOf(caller.sessionId, session) : null,
    };
  }

  async changePassword(caller: AuthContext, dto: ChangePasswordDto, client: ClientInfo): Promise<void> {
    const sessionId = this.sessionOf(caller);
    const currentHash = await this.users.passwordHashOf(caller.userId);
    // Guessing the current password through a stolen session meets the same lock as guessing at login.
    const attempt = { username: caller.username, userId: caller.userId, client };
    const ok = await this.bruteForce.confirm(attempt, () =>
      currentHash
        ? this.hasher.verify(currentHash, dto.currentPassword)
        : this.hasher.verifyDummy(dto.currentPassword),
    );
    if (!ok) throw new WrongCurrentPasswordError();
    this.policy.assertAcceptable(dto.newPassword, caller.username, 'newPassword');
    if (dto.newPassword === dto.currentPassword) {
      throw new UnchangedPasswordError();
    }
    const newHash = await this.hasher.hash(dto.newPassword);
    await this.tx.run(async (tx) => {
      await this.users.update(
        caller.userId,
        { passwordHash: newHash, mustChangePassword: false },
        tx.manager,
      );
      const revoked = await this.sessions.revokeAllForUser(caller.userId, tx, sessionId);
      await this.audit.record(
        selfEntry('auth.password_changed', caller, client, { otherSessionsRevoked: revoked }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(caller.userId));
    });
  }

  async logout(caller: AuthContext, client: ClientInfo): Promise<void> {
    const sessionId = this.sessionOf(caller);
    await this.endSession(caller, sessionId, client, 'logout');
  }

  async listMine(caller: AuthContext): Promise<SessionResponseDto[]> {
    const sessionId = this.sessionOf(caller);
    const rows = await this.sessions.findLive(caller.userId);
    return rows.map((r) => sessionViewOf(r, sessionId));
  }

  /** Ends one of the caller's own sessions; anyone else's id is simply not found. */
  async endMine(caller: AuthContext, sessionId: string, client: ClientInfo): Promise<void> {
    const current = this.sessionOf(caller);
    await this.endSession(caller, sessionId, client, sessionId === current ? 'logout' : 'ended_by_owner');
  }

  private async endSession(
    caller: AuthContext,
    sessionId: string,
    client: ClientInfo,
    how: 'logout' | 'ended_by_owner',
  ): Promise<void> {
    await this.tx.run(async (tx) => {
      const live = await this.sessions.repository.findById(sessionId, tx.manager);
      if (
        !live ||
        live.userId !== caller.userId ||
        live.revokedAt ||
        live.expiresAt.getTime() <= this.clock.now()
      ) {
        throw new SessionNotFoundError();
      }
      await this.sessions.revokeOne(sessionId, caller.userId, tx);
      await this.audit.record(selfEntry('auth.logout', caller, client, { how }), tx.manager);
    });
  }

  private sessionOf(caller: AuthContext): string {
    if (caller.kind !== 'session' || !caller.sessionId) throw new SessionRequiredError();
    return caller.sessionId;
  }

  /** Sorted once per permission set: a role's set is one object for as long as its cached entry lives. */
  private effectivePermissions(held: ReadonlySet<string>): readonly string[] {
    if (held.has(Permission.FullAccess)) return this.catalog.sortedNames;
    let sorted = this.sorted.get(held);
    if (!sorted) this.sorted.set(held, (sorted = Object.freeze([...held].sort())));
    return sorted;
  }
}
