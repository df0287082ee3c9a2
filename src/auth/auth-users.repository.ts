import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

const INT4_MAX = 2_147_483_647;

/** UPDATE … RETURNING answers `[rows, affected]` through TypeORM's postgres driver. */
function returned<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}

/** A user as the auth module reads it: the answerable view plus what login and the auth state need. */
export interface AuthUserRow {
  id: number;
  username: string;
  email: string;
  roleName: string;
  roleDisplayName: string;
  isActive: boolean;
  isApiUser: boolean;
  apiTokenId: string | null;
  apiTokenExpiresAt: Date | null;
  apiTokenLastUsedAt: Date | null;
  previousApiTokenId: string | null;
  previousTokenValidUntil: Date | null;
  previousTokenLastUsedAt: Date | null;
  mustChangePassword: boolean;
  mfaEnabled: boolean;
  roleRequiresMfa: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface LoginUserRow extends AuthUserRow {
  passwordHash: string | null;
}

export interface NewSession {
  id: string;
  userId: number;
  expiresAt: Date;
  rememberMe: boolean;
  ip: string | null;
  userAgent: string | null;
}

const VIEW_COLUMNS = `
  u.id, u.username, u.email, u.role_name AS "roleName", coalesce(r.display_name, u.role_name) AS "roleDisplayName",
  u.is_active AS "isActive", u.is_api_user AS "isApiUser", u.api_token_id AS "apiTokenId",
  u.api_token_expires_at AS "apiTokenExpiresAt", u.api_token_last_used_at AS "apiTokenLastUsedAt",
  u.previous_api_token_id AS "previousApiTokenId", u.previous_token_valid_until AS "previousTokenValidUntil",
  u.previous_token_last_used_at AS "previousTokenLastUsedAt", u.must_change_password AS "mustChangePassword",
  u.mfa_enabled AS "mfaEnabled", coalesce(r.require_mfa, false) AS "roleRequiresMfa",
  u.last_login_at AS "lastLoginAt", u.created_at AS "createdAt"`;

/** The only place that builds the auth module's queries on users. */
@Injectable()
export class AuthUsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findForLogin(username: string): Promise<LoginUserRow | null> {
    const rows = (await this.q().query(
      `SELECT ${VIEW_COLUMNS}, u.password_hash AS "passwordHash"
         FROM users u LEFT JOIN roles r ON r.name = u.role_name
        WHERE u.username = $1`,
      [username],
    )) as LoginUserRow[];
    return rows[0] ?? null;
  }

  async findById(id: number, manager?: EntityManager): Promise<AuthUserRow | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > INT4_MAX) return null;
    const rows = (await this.q(manager).query(
      `SELECT ${VIEW_COLUMNS} FROM users u LEFT JOIN roles r ON r.name = u.role_name WHERE u.id = $1`,
      [id],
    )) as AuthUserRow[];
    return rows[0] ?? null;
  }

  async passwordHashOf(id: number, manager?: EntityManager): Promise<string | null> {
    const rows = (await this.q(manager).query(`SELECT password_hash AS "hash" FROM users WHERE id = $1`, [
      id,
    ])) as { hash: string | null }[];
    return rows[0]?.hash ?? null;
  }

  /**
   * Mirrors a failed login to the row, for the hygiene report (the lockout
   * counts elsewhere). Keyed by username so that an unknown name costs the
   * same statement as a known one.
   */
  async recordFailure(username: string): Promise<void> {
    await this.q().query(
      `UPDATE users SET failed_login_count = failed_login_count + 1, last_failed_login_at = now()
        WHERE username = $1`,
      [username],
    );
  }

  /**
   * A successful login in one statement: the new session, the failure count
   * cleared, the time stamped, and a stronger hash stored if one was made.
   */
  async recordLogin(session: NewSession, manager: EntityManager, rehashed?: string): Promise<Date> {
    const result = await manager.query(
      `WITH opened AS (
         INSERT INTO sessions (id, user_id, expires_at, remember_me, ip, user_agent, last_seen_at)
         VALUES ($2, $1, $3, $4, $5, $6, now())
       )
       UPDATE users SET last_login_at = now(), failed_login_count = 0,
              password_hash = coalesce($7, password_hash)
        WHERE id = $1 RETURNING last_login_at AS "at"`,
      [
        session.userId,
        session.id,
        session.expiresAt,
        session.rememberMe,
        session.ip,
        session.userAgent,
        rehashed ?? null,
      ],
    );
    return returned<{ at: Date }>(result)[0]?.at ?? new Date();
  }

  /**
   * Stamps the use of an API token, current or previous, off the request
   * path. The row keeps the pace across instances: a stamp less than
   * `everyMs` old is left as it is, and the statement then changes nothing.
   */
  async recordTokenUse(userId: number, tokenId: string, at: Date, everyMs: number): Promise<void> {
    const before = new Date(at.getTime() - everyMs);
    await this.q().query(
      `UPDATE users
          SET api_token_last_used_at = CASE WHEN api_token_id = $2 THEN $3 ELSE api_token_last_used_at END,
              previous_token_last_used_at =
                CASE WHEN previous_api_token_id = $2 THEN $3 ELSE previous_token_last_used_at END
        WHERE id = $1
          AND ((api_token_id = $2 AND (api_token_last_used_at IS NULL OR api_token_last_used_at <= $4))
            OR (previous_api_token_id = $2
                AND (previous_token_last_used_at IS NULL OR previous_token_last_used_at <= $4)))`,
      [userId, tokenId, at, before],
    );
  }

  /** The user's own password change: the new hash, and the pending change cleared. */
  async setOwnPassword(id: number, passwordHash: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE users SET password_hash = $2, must_change_password = false, updated_at = now() WHERE id = $1`,
      [id, passwordHash],
    );
  }
}
