import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UserNotFoundError } from '../common/errors/domain-error.js';
import { type Tx, TransactionRunner } from '../database/transaction.js';
import { assertCanActOn } from '../roles/escalation.js';
import { type Actor, userAuditEntry } from './actor.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import type { RegenerateTokenResponseDto, ResetPasswordResponseDto } from './dto/credentials-response.dto.js';
import { generatePassword } from './password-generator.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import type { UserRecord } from './user-record.js';
import { UsersRepository } from './users.repository.js';
import { ApiUserHasNoPasswordError, NotAnApiUserError } from './users.errors.js';

export const TEMPORARY_PASSWORD_LENGTH = 12;

/** What an administrator does to someone else's credentials: a temporary password, a new API token. */
@Injectable()
export class UserCredentialsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: ApiTokenIssuer,
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
    await this.tx.run(async (tx) => {
      const user = await this.lockedUser(id, tx);
      this.assertResettable(actor, user);
      await this.users.update(id, { passwordHash, mustChangePassword: true }, tx.manager);
      const sessionsRevoked = await this.sessions.revokeAllForUser(id, tx);
      await this.audit.record(
        userAuditEntry('user.password_reset', actor, user, { mustChangePassword: true, sessionsRevoked }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(id));
    });
    return { temporaryPassword };
  }

  /** A new token for an API user; the previous one fails from the next request, on every instance. */
  async regenerateToken(actor: Actor, id: number): Promise<RegenerateTokenResponseDto> {
    const planned = await this.tx.run(async (tx) => {
      const user = await this.lockedUser(id, tx);
      assertCanActOn(actor.auth.permissions, user.rolePermissions);
      if (!user.isApiUser) throw new NotAnApiUserError();
      const next = this.tokens.plan(user.apiTokenTtlDays!);
      await this.users.update(
        id,
        { apiTokenId: next.tokenId, apiTokenExpiresAt: next.expiresAt },
        tx.manager,
      );
      await this.audit.record(
        userAuditEntry('user.token_regenerated', actor, user, {
          apiTokenTtlDays: user.apiTokenTtlDays,
          expiresAt: next.expiresAt?.toISOString() ?? null,
        }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(id));
      return next;
    });
    return { apiToken: this.tokens.sign(id, planned), expiresAt: planned.expiresAt?.toISOString() ?? null };
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

  private async lockedUser(id: number, tx: Tx): Promise<UserRecord> {
    const user = await this.users.findById(id, tx.manager, true);
    if (!user) throw new UserNotFoundError();
    return user;
  }
}
