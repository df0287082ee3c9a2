import { Injectable } from '@nestjs/common';
import { SessionsService } from '../sessions/sessions.service.js';
import { Clock } from '../common/clock.js';
import { assertCanActOn } from '../roles/escalation.js';
import type { Actor } from './actor.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { inGrace } from './api-token-status.js';
import type { RegenerateTokenResponseDto, ResetPasswordResponseDto } from './dto/credentials-response.dto.js';
import { generatePassword } from './password-generator.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { UserChangeRunner } from './user-change-runner.js';
import type { UserRecord } from './user-record.js';
import { UsersRepository } from './users.repository.js';
import {
  ApiUserHasNoPasswordError,
  NoPreviousTokenError,
  NotAnApiUserError,
  UserNotFoundError,
} from './users.errors.js';

const HOUR_MS = 3600 * 1000;

export const TEMPORARY_PASSWORD_LENGTH = 12;

/** What an administrator does to someone else's credentials: a temporary password, a new API token. */
@Injectable()
export class UserCredentialsService {
  constructor(
    private readonly changes: UserChangeRunner,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: ApiTokenIssuer,
    private readonly clock: Clock,
  ) {}

  /**
   * A 12-character temporary password, shown once; the user must change it
   * at the next login, and every session of theirs ends now.
   */
  async resetPassword(actor: Actor, id: number): Promise<ResetPasswordResponseDto> {
    // Checked before the (slow) hashing, and again under the row lock below.
    const target = await this.users.findById(id);
    this.assertResettable(actor, target);
    const temporaryPassword = this.temporaryPasswordFor(target.username);
    const passwordHash = await this.hasher.hash(temporaryPassword);
    await this.changes.apply(actor, id, async (user, tx) => {
      this.assertResettable(actor, user);
      await this.users.update(id, { passwordHash, mustChangePassword: true }, tx.manager);
      const sessionsRevoked = await this.sessions.revokeAllForUser(id, tx);
      const details = { mustChangePassword: true, sessionsRevoked };
      return { entry: { action: 'user.password_reset', details }, value: undefined };
    });
    return { temporaryPassword };
  }

  /**
   * A new token for an API user. Without a grace the previous one fails from
   * the next request, on every instance; with one, it keeps working until
   * the grace ends. Either way a token still in an earlier grace ends now.
   */
  async regenerateToken(actor: Actor, id: number, graceHours = 0): Promise<RegenerateTokenResponseDto> {
    const { planned, validUntil } = await this.changes.apply(actor, id, async (user, tx) => {
      if (!user.isApiUser) throw new NotAnApiUserError();
      const now = this.clock.now();
      const next = this.tokens.plan(user.apiTokenTtlDays!);
      // Only a token that works now is given a grace: none, an expired one or a suspended one gets none.
      const currentWorks =
        user.isActive &&
        user.hasApiToken &&
        (user.apiTokenExpiresAt === null || user.apiTokenExpiresAt.getTime() > now);
      const until = graceHours > 0 && currentWorks ? new Date(now + graceHours * HOUR_MS) : null;
      await this.users.rotateToken(id, { ...next, issuedAt: new Date(now) }, until, tx.manager);
      const details = {
        apiTokenTtlDays: user.apiTokenTtlDays,
        expiresAt: next.expiresAt?.toISOString() ?? null,
        graceHours: until ? graceHours : 0,
        previousTokenValidUntil: until?.toISOString() ?? null,
        ...(inGrace(user, now) ? { earlierGraceEnded: true } : {}),
      };
      return {
        entry: { action: 'user.token_regenerated', details },
        value: { planned: next, validUntil: until },
      };
    });
    return {
      apiToken: this.tokens.sign(id, planned),
      expiresAt: planned.expiresAt?.toISOString() ?? null,
      previousTokenValidUntil: validUntil?.toISOString() ?? null,
    };
  }

  /** Ends a previous token's grace early: it fails from the next request, on every instance. */
  async revokePreviousToken(actor: Actor, id: number): Promise<void> {
    await this.changes.apply(actor, id, async (user, tx) => {
      if (!user.isApiUser) throw new NotAnApiUserError();
      if (!inGrace(user, this.clock.now())) throw new NoPreviousTokenError();
      await this.users.update(id, { previousApiTokenId: null, previousTokenValidUntil: null }, tx.manager);
      const details = {
        previousTokenValidUntil: user.previousTokenValidUntil!.toISOString(),
        previousTokenLastUsedAt: user.previousTokenLastUsedAt?.toISOString() ?? null,
      };
      return { entry: { action: 'user.previous_token_revoked', details }, value: undefined };
    });
  }

  private assertResettable(actor: Actor, user: UserRecord | null): asserts user is UserRecord {
    if (!user) throw new UserNotFoundError();
    assertCanActOn(actor.auth.permissions, user.rolePermissions);
    if (user.isApiUser) throw new ApiUserHasNoPasswordError();
  }

  // The generator always yields every character class; the loop guards the rare list or username match.
  private temporaryPasswordFor(username: string): string {
    for (;;) {
      const candidate = generatePassword(TEMPORARY_PASSWORD_LENGTH);
      if (this.policy.check(candidate, username).length === 0) return candidate;
    }
  }
}
