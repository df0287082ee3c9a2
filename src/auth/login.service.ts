import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { ClientInfo } from '../common/auth/auth-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { TransactionRunner } from '../database/transaction.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { cachedUserOf } from './auth-state.service.js';
import { AuthUsersRepository, type LoginUserRow } from './auth-users.repository.js';
import {
  AccountLockedError,
  BruteForceService,
  type PasswordAttempt,
  type Reservation,
} from './brute-force/brute-force.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { LoginResponseDto } from './dto/login-response.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { TokenService } from '../tokens/token.service.js';
import { userViewOf } from './cached-user.mapper.js';

/** One answer for an unknown name and a wrong password: status, code and message alike. */
export const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 'Invalid username or password');

const MAX_IP = 64;

type FailureReason = 'unknown_user' | 'wrong_password' | 'locked' | 'inactive' | 'api_user';

/** Interactive login: brute-force checks, the password, then a new session and its token. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: AuthUsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly bruteForce: BruteForceService,
    private readonly sessionsService: SessionsService,
    private readonly tokens: TokenService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    @Optional() private readonly metrics?: IamMetrics,
  ) {}

  async login(dto: LoginDto, client: ClientInfo): Promise<LoginResponseDto> {
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
    row: LoginUserRow | null,
    attempt: PasswordAttempt,
    reservation: Reservation,
  ): Promise<LoginResponseDto> {
    // Users without a password (API users) and unknown names spend the time of a real check.
    const passwordOk = row?.passwordHash
      ? await this.hasher.verify(row.passwordHash, dto.password)
      : await this.hasher.verifyDummy(dto.password);

    if (!row || !passwordOk) {
      await this.bruteForce.failed(reservation, attempt);
      this.recordFailure(attempt, row ? 'wrong_password' : 'unknown_user');
      throw invalidCredentials();
    }
    // Past this point the caller has proven the password: saying why the login is refused reveals nothing new.
    if (row.isApiUser) {
      await this.bruteForce.released(reservation);
      this.recordFailure(attempt, 'api_user');
      throw new DomainError(
        'INTERACTIVE_LOGIN_NOT_ALLOWED',
        'API users cannot log in; use the API token they were given',
      );
    }
    if (!row.isActive) {
      await this.bruteForce.released(reservation);
      this.recordFailure(attempt, 'inactive');
      throw new DomainError('ACCOUNT_DISABLED', 'This account is deactivated; ask a user administrator');
    }

    const answer = await this.openSession(row, dto.password, dto.rememberMe === true, client);
    await this.bruteForce.succeeded(reservation);
    this.metrics?.login('success');
    return answer;
  }

  private async openSession(
    row: LoginUserRow,
    password: string,
    rememberMe: boolean,
    client: ClientInfo,
  ): Promise<LoginResponseDto> {
    const rehashed = this.hasher.needsRehash(row.passwordHash!)
      ? await this.hasher.hash(password)
      : undefined;
    const ttl = rememberMe ? this.options.rememberMeTtlSeconds : this.options.sessionTtlSeconds;
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const lastLoginAt = await this.tx.run(async (tx) => {
      const session = {
        id: sessionId,
        userId: row.id,
        expiresAt,
        rememberMe,
        ip: client.ip?.slice(0, MAX_IP) ?? null,
        userAgent: client.userAgent,
      };
      const at = await this.users.recordLogin(session, tx.manager, rehashed);
      await this.audit.record(
        {
          action: 'auth.login',
          actor: { id: row.id, username: row.username },
          target: { type: 'user', id: row.id, label: row.username },
          client,
          outcome: 'success',
          details: { rememberMe, passwordRehashed: rehashed !== undefined },
        },
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
      user: userViewOf(cachedUserOf({ ...row, lastLoginAt })),
    };
  }

  private recordFailure(attempt: PasswordAttempt, reason: FailureReason): void {
    this.metrics?.login(reason);
    this.audit.recordDetached({
      action: 'auth.login_failed',
      actor: null,
      target: { type: 'user', id: attempt.userId, label: attempt.username },
      client: attempt.client,
      outcome: 'failure',
      details: { reason },
    });
  }
}
