import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import type { AuthContext, ClientInfo } from '../../common/auth/auth-context.js';
import { Clock } from '../../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../../config/iam-options.js';
import { TransactionRunner } from '../../database/transaction.js';
import { assertCanActOn } from '../../roles/escalation.js';
import { RolePermissionsService } from '../../roles/role-permissions.service.js';
import { PasswordHasher } from '../../users/password-hasher.js';
import { UserNotFoundError } from '../../users/users.errors.js';
import { SessionRequiredError, WrongCurrentPasswordError } from '../auth.errors.js';
import { UsersRepository } from '../../users/users.repository.js';
import { BruteForceService, type PasswordAttempt } from '../brute-force/brute-force.service.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import type { ConfirmTotpResponseDto, SetupTotpResponseDto } from './dto/mfa-response.dto.js';
import { generateRecoveryCode, MfaCrypto } from './mfa-crypto.js';
import {
  InvalidMfaCodeError,
  MfaAlreadyEnabledError,
  MfaNotEnabledError,
  MfaRequiredByRoleError,
  MfaSetupRequiredError,
} from './mfa.errors.js';
import { MfaRepository } from './mfa.repository.js';
import { isTotpShaped, newTotpSecret, totpStepOf } from './totp.js';
import { changeEntry, failedAttemptEntry, selfEntry, userTarget } from '../../audit/audit-entries.js';

export const RECOVERY_CODE_COUNT = 10;

/** How a second factor was proven. */
export type MfaMethod = 'totp' | 'recovery_code';

/** The caller's own second factor: set up, confirm, switch off; and an administrator's reset. */
@Injectable()
export class MfaService {
  private readonly crypto: MfaCrypto;

  constructor(
    private readonly repo: MfaRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly bruteForce: BruteForceService,
    private readonly sessions: SessionsService,
    private readonly rolePermissions: RolePermissionsService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(IAM_OPTIONS) options: IamOptions,
  ) {
    this.crypto = new MfaCrypto(options.mfaKey);
  }

  /** A new secret, not on until a code from it is confirmed. */
  async setup(
    caller: AuthContext,
    currentPassword: string,
    client: ClientInfo,
  ): Promise<SetupTotpResponseDto> {
    this.sessionOf(caller);
    await this.assertPassword(caller, currentPassword, client);
    const user = await this.users.findAuthUser(caller.userId);
    if (!user) throw new UserNotFoundError();
    if (user.mfaEnabled) {
      throw new MfaAlreadyEnabledError();
    }
    const { secret, otpauthUri } = newTotpSecret(user.username);
    await this.repo.setPending(user.id, this.crypto.encrypt(user.id, secret));
    return { secret, otpauthUri };
  }

  /** A first code from the new secret turns MFA on, answers the recovery codes once, ends the other sessions. */
  async confirm(caller: AuthContext, code: string, client: ClientInfo): Promise<ConfirmTotpResponseDto> {
    const sessionId = this.sessionOf(caller);
    const state = await this.repo.stateOf(caller.userId);
    if (!state?.pendingCiphertext) {
      throw new MfaSetupRequiredError('Set up an authenticator first (POST /me/mfa/totp/setup)');
    }
    const secret = this.crypto.decrypt(caller.userId, state.pendingCiphertext);
    const step = totpStepOf(secret, code, this.clock.now());
    if (step === null) {
      this.recordFailure(caller.userId, caller.username, client, 'totp', 'enrolment');
      throw new InvalidMfaCodeError();
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    const hashes = recoveryCodes.map((c) => this.crypto.hashRecoveryCode(caller.userId, c));
    await this.tx.run(async (tx) => {
      if (!(await this.repo.confirm(caller.userId, state.pendingCiphertext!, step, tx.manager))) {
        throw new MfaSetupRequiredError('The setup changed meanwhile; set up again');
      }
      await this.users.update(caller.userId, { mfaEnabled: true }, tx.manager);
      await this.repo.replaceRecoveryCodes(caller.userId, hashes, tx.manager);
      const revoked = await this.sessions.revokeAllForUser(caller.userId, tx, sessionId);
      await this.audit.record(
        selfEntry('auth.mfa_enabled', caller, client, {
          method: 'totp',
          recoveryCodes: RECOVERY_CODE_COUNT,
          otherSessionsRevoked: revoked,
        }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(caller.userId));
    });
    return { recoveryCodes };
  }

  /** Off, with the password and a current code; refused while the role requires MFA. */
  async disable(
    caller: AuthContext,
    currentPassword: string,
    code: string,
    client: ClientInfo,
  ): Promise<void> {
    this.sessionOf(caller);
    const user = await this.users.findAuthUser(caller.userId);
    if (!user) throw new UserNotFoundError();
    if (user.roleRequiresMfa) {
      throw new MfaRequiredByRoleError();
    }
    if (!user.mfaEnabled) throw new MfaNotEnabledError();
    await this.assertPassword(caller, currentPassword, client);
    const attempt: PasswordAttempt = { username: user.username, userId: user.id, client };
    const reservation = await this.bruteForce.reserve(attempt);
    const method = await this.verifyCode(user.id, code).catch(async (err: unknown) => {
      await this.bruteForce.released(reservation);
      throw err;
    });
    if (!method) {
      await this.bruteForce.failed(reservation, attempt);
      this.recordFailure(
        user.id,
        user.username,
        client,
        isTotpShaped(code) ? 'totp' : 'recovery_code',
        'disable',
      );
      throw new InvalidMfaCodeError();
    }
    await this.bruteForce.released(reservation);
    await this.tx.run(async (tx) => {
      await this.removeAll(user.id, tx.manager);
      await this.audit.record(
        selfEntry('auth.mfa_disabled', user, client, { provenWith: method }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(user.id));
    });
  }

  /** An administrator (or the CLI) clears a user's second factor; the user enrols again. */
  async reset(actor: { auth: AuthContext; client: ClientInfo }, userId: number): Promise<void> {
    const user = await this.users.findAuthUser(userId);
    if (!user) throw new UserNotFoundError();
    assertCanActOn(actor.auth.permissions, await this.rolePermissions.permissionsOf(user.roleName));
    await this.tx.run(async (tx) => {
      const wasEnabled = await this.removeAll(user.id, tx.manager);
      await this.audit.record(
        changeEntry('user.mfa_reset', actor.auth, actor.client, userTarget(user), {
          wasEnabled,
          roleRequiresMfa: user.roleRequiresMfa,
        }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessions.evictUser(user.id));
    });
  }

  /**
   * Checks a TOTP code (a step later than any used before, which it then
   * takes) or an unused recovery code (which it then spends). Null when neither.
   */
  async verifyCode(userId: number, code: string): Promise<MfaMethod | null> {
    const state = await this.repo.stateOf(userId);
    if (!state?.secretCiphertext) return null;
    if (isTotpShaped(code)) {
      const secret = this.crypto.decrypt(userId, state.secretCiphertext);
      const step = totpStepOf(secret, code, this.clock.now());
      if (step === null || (state.lastUsedStep !== null && step <= state.lastUsedStep)) return null;
      return (await this.repo.useStep(userId, step)) ? 'totp' : null;
    }
    const hash = this.crypto.hashRecoveryCode(userId, code);
    return (await this.repo.useRecoveryCode(userId, hash)) ? 'recovery_code' : null;
  }

  unusedRecoveryCodes(userId: number): Promise<number> {
    return this.repo.unusedRecoveryCodes(userId);
  }

  /** A wrong code: audited without the code, of course. */
  recordFailure(
    userId: number,
    username: string,
    client: ClientInfo,
    method: MfaMethod,
    during: 'login' | 'enrolment' | 'disable',
    reason = 'invalid_code',
  ): void {
    this.audit.recordDetached(
      failedAttemptEntry(
        'auth.mfa_failed',
        { userId, username, client },
        {
          method,
          during,
          reason,
        },
      ),
    );
  }

  /** The current password, against the same lock as a login (a stolen session can't guess it faster). */
  private async assertPassword(caller: AuthContext, password: string, client: ClientInfo): Promise<void> {
    const currentHash = await this.users.passwordHashOf(caller.userId);
    const attempt = { username: caller.username, userId: caller.userId, client };
    const ok = await this.bruteForce.confirm(attempt, () =>
      currentHash ? this.hasher.verify(currentHash, password) : this.hasher.verifyDummy(password),
    );
    if (!ok) throw new WrongCurrentPasswordError();
  }

  /** Everything MFA of a user gone, the flag off: they enrol again. True when it was on. */
  private async removeAll(userId: number, manager: EntityManager): Promise<boolean> {
    // The user's row is locked first, as every change to a user begins, so a reset and a change queue.
    const user = await this.users.findById(userId, manager, true);
    await this.repo.removeAll(userId, manager);
    await this.users.update(userId, { mfaEnabled: false }, manager);
    return user?.mfaEnabled === true;
  }

  private sessionOf(caller: AuthContext): string {
    if (caller.kind !== 'session' || !caller.sessionId) throw new SessionRequiredError();
    return caller.sessionId;
  }
}
