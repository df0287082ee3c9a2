import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { AuditService } from '../audit/audit.service.js';
import type { ClientInfo } from '../common/auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { type Tx, TransactionRunner } from '../database/transaction.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { PasswordHasher } from '../users/password-hasher.js';
import type { AuthUser, LoginUser } from '../users/user-record.js';
import { UsersRepository } from '../users/users.repository.js';
import { mfaEnrollmentRequired } from './user-state.js';
import {
  AccountDisabledError,
  AccountLockedError,
  InteractiveLoginNotAllowedError,
  InvalidCredentialsError,
} from './auth.errors.js';
import {
  BruteForceService,
  type PasswordAttempt,
  type Reservation,
} from './brute-force/brute-force.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { LoginResponseDto } from './dto/login-response.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { TokenService } from '../tokens/token.service.js';
import type { LoginMfaDto } from './mfa/dto/mfa-request.dto.js';
import type { MfaChallengeResponseDto } from './mfa/dto/mfa-response.dto.js';
import { challengeHash, newChallengeToken } from './mfa/mfa-crypto.js';
import { InvalidMfaCodeError, MfaTokenInvalidError } from './mfa/mfa.errors.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { type MfaMethod, MfaService } from './mfa/mfa.service.js';
import { isTotpShaped } from './mfa/totp.js';
import { failedAttemptEntry, selfEntry } from '../audit/audit-entries.js';
import { toUserResponse } from '../users/users.mapper.js';

const MAX_IP = 64;

/** How long the step between a right password and the code may take. */
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * Logins at work at once: one for each hashing thread, and as many again in their database steps, so that
 * a thread that finishes a hash finds the next login ready for it. Any more wait before their first
 * statement: a burst of logins then costs the database and the event loop no more at a time than the
 * threads can take, and the requests around it are not kept waiting behind it. Logins end no later for it:
 * the hash is what they queue for either way.
 */
export function loginsAtOnce(hashingThreads: number): number {
  return 2 * Math.max(1, hashingThreads);
}

type FailureReason = 'unknown_user' | 'wrong_password' | 'locked' | 'inactive' | 'api_user';

/** Interactive login: brute-force checks, the password, then a new session and its token. */
@Injectable()
export class LoginService {
  private readonly admission: LimitFunction;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly bruteForce: BruteForceService,
    private readonly sessionsService: SessionsService,
    private readonly tokens: TokenService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly mfa: MfaService,
    private readonly mfaRepo: MfaRepository,
    private readonly clock: Clock,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    @Optional() private readonly metrics?: IamMetrics,
  ) {
    this.admission = pLimit(loginsAtOnce(hasher.concurrency));
  }

  login(dto: LoginDto, client: ClientInfo): Promise<LoginResponseDto | MfaChallengeResponseDto> {
    return this.admission(() => this.admitted(dto, client));
  }

  private async admitted(
    dto: LoginDto,
    client: ClientInfo,
  ): Promise<LoginResponseDto | MfaChallengeResponseDto> {
    const username = dto.username.trim().toLowerCase();
    const row = await this.users.findForLogin(username);
    const attempt: PasswordAttempt = { username, userId: row?.id ?? null, client };

    const reservation = await this.bruteForce.reserve(attempt).catch((err: unknown) => {
      if (err instanceof AccountLockedError) this.recordFailure(attempt, 'locked');
      throw err;
    });
    try {
      return await this.check(dto, client, row, attempt, reservation);
    } catch (err) {
      // A failure of our own (the database, say) was no guess: the slot goes back.
      if (!reservation.settled) await this.bruteForce.released(reservation).catch(() => undefined);
      throw err;
    }
  }

  private async check(
    dto: LoginDto,
    client: ClientInfo,
    row: LoginUser | null,
    attempt: PasswordAttempt,
    reservation: Reservation,
  ): Promise<LoginResponseDto | MfaChallengeResponseDto> {
    // Users without a password (API users) and unknown names spend the time of a real check.
    const passwordOk = row?.passwordHash
      ? await this.hasher.verify(row.passwordHash, dto.password)
      : await this.hasher.verifyDummy(dto.password);

    if (!row || !passwordOk) {
      await this.bruteForce.failed(reservation, attempt);
      this.recordFailure(attempt, row ? 'wrong_password' : 'unknown_user');
      throw new InvalidCredentialsError();
    }
    // Past this point the caller has proven the password: saying why the login is refused reveals nothing new.
    if (row.isApiUser) {
      await this.bruteForce.released(reservation);
      this.recordFailure(attempt, 'api_user');
      throw new InteractiveLoginNotAllowedError();
    }
    if (!row.isActive) {
      await this.bruteForce.released(reservation);
      this.recordFailure(attempt, 'inactive');
      throw new AccountDisabledError();
    }

    if (row.mfaEnabled) {
      // The password was right, but nobody is logged in yet: neither a failure nor a success to count.
      const challenge = await this.challenge(row, dto.rememberMe === true);
      await this.bruteForce.released(reservation);
      return challenge;
    }

    const rehashed = this.hasher.needsRehash(row.passwordHash!)
      ? await this.hasher.hash(dto.password)
      : undefined;
    const answer = await this.openSession(row, rehashed, dto.rememberMe === true, client);
    await this.bruteForce.succeeded(reservation);
    this.metrics?.login('success');
    return answer;
  }

  /**
   * The second step of a login with MFA on: the single-use token from the
   * first step and a TOTP or recovery code. Wrong codes count towards the
   * same lock as wrong passwords.
   */
  async loginWithCode(dto: LoginMfaDto, client: ClientInfo): Promise<LoginResponseDto> {
    const hash = challengeHash(dto.mfaToken);
    const challenge = await this.mfaRepo.findChallenge(hash);
    const now = this.clock.now();
    if (!challenge || challenge.usedAt || challenge.expiresAt.getTime() <= now)
      throw new MfaTokenInvalidError();
    const row = await this.users.findAuthUser(challenge.userId);
    if (!row || !row.isActive || row.isApiUser || !row.mfaEnabled) throw new MfaTokenInvalidError();

    const attempt: PasswordAttempt = { username: row.username, userId: row.id, client };
    const reservation = await this.bruteForce.reserve(attempt).catch((err: unknown) => {
      if (err instanceof AccountLockedError) {
        this.metrics?.login('locked');
        this.mfa.recordFailure(row.id, row.username, client, 'totp', 'login', 'locked');
      }
      throw err;
    });
    try {
      const method = await this.mfa.verifyCode(row.id, dto.code);
      if (!method) {
        await this.bruteForce.failed(reservation, attempt);
        this.metrics?.login('wrong_mfa_code');
        this.mfa.recordFailure(
          row.id,
          row.username,
          client,
          isTotpShaped(dto.code) ? 'totp' : 'recovery_code',
          'login',
        );
        throw new InvalidMfaCodeError();
      }
      const answer = await this.openSession(
        row,
        undefined,
        challenge.rememberMe,
        client,
        method,
        async (tx) => {
          if (!(await this.mfaRepo.useChallenge(hash, new Date(now), tx.manager)))
            throw new MfaTokenInvalidError();
          if (method === 'recovery_code') {
            const remaining = await this.mfaRepo.unusedRecoveryCodes(row.id, tx.manager);
            await this.audit.record(
              selfEntry('auth.recovery_code_used', row, client, { remaining }),
              tx.manager,
            );
          }
        },
      );
      await this.bruteForce.succeeded(reservation);
      this.metrics?.login('success');
      return answer;
    } catch (err) {
      if (!reservation.settled) await this.bruteForce.released(reservation).catch(() => undefined);
      throw err;
    }
  }

  private async challenge(row: LoginUser, rememberMe: boolean): Promise<MfaChallengeResponseDto> {
    const { token, hash } = newChallengeToken();
    const now = this.clock.now();
    const expiresAt = new Date(now + MFA_CHALLENGE_TTL_MS);
    await this.mfaRepo.createChallenge(hash, row.id, rememberMe, new Date(now), expiresAt);
    return { mfaRequired: true, mfaToken: token, expiresAt: expiresAt.toISOString() };
  }

  private async openSession(
    row: AuthUser,
    rehashed: string | undefined,
    rememberMe: boolean,
    client: ClientInfo,
    mfa?: MfaMethod,
    inTransaction?: (tx: Tx) => Promise<void>,
  ): Promise<LoginResponseDto> {
    const ttl = rememberMe ? this.options.rememberMeTtlSeconds : this.options.sessionTtlSeconds;
    const sessionId = randomUUID();
    const expiresAt = new Date(this.clock.now() + ttl * 1000);
    const lastLoginAt = await this.tx.run(async (tx) => {
      if (inTransaction) await inTransaction(tx);
      const session = {
        id: sessionId,
        userId: row.id,
        expiresAt,
        rememberMe,
        ip: client.ip?.slice(0, MAX_IP) ?? null,
        userAgent: client.userAgent,
      };
      await this.sessionsService.repository.insert(session, tx.manager);
      const at = await this.users.recordLogin(row.id, tx.manager, rehashed);
      await this.audit.record(
        selfEntry('auth.login', row, client, {
          rememberMe,
          passwordRehashed: rehashed !== undefined,
          ...(mfa ? { mfa } : {}),
        }),
        tx.manager,
      );
      tx.afterCommit(() => this.sessionsService.evictUser(row.id));
      return at;
    });
    return {
      accessToken: this.tokens.signSession(row.id, sessionId, expiresAt),
      tokenType: 'Bearer',
      expiresAt: expiresAt.toISOString(),
      mustChangePassword: row.mustChangePassword,
      mfaEnrollmentRequired: mfaEnrollmentRequired(row),
      user: toUserResponse({ ...row, lastLoginAt }, this.clock.now()),
    };
  }

  private recordFailure(attempt: PasswordAttempt, reason: FailureReason): void {
    this.metrics?.login(reason);
    this.audit.recordDetached(failedAttemptEntry('auth.login_failed', attempt, { reason }));
  }
}
