import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { type ListPage, listForReview, listUsers, type Page, type UserFilter } from './user-list.query.js';
import type {
  AdministratorScope,
  RoleMembers,
  RoleUserCounts,
  UserAccessRow,
} from '../roles/role-members.js';
import * as members from './role-members.query.js';
import type { AuthUser, LoginUser, UserChanges, UserRecord } from './user-record.js';
import {
  AUTH_COLUMNS,
  COLUMN_OF,
  FROM_USERS,
  type NewUser,
  type Row,
  toAuthUser,
  toLoginUser,
  toRecord,
  USER_COLUMNS,
  writeError,
} from './user-rows.js';
import { UserEntity } from './user.entity.js';
import { UserNotFoundError } from './users.errors.js';
import { returnedRows } from '../database/returned-rows.js';

const INT4_MAX = 2_147_483_647;
const isPossibleId = (id: number) => Number.isSafeInteger(id) && id >= 1 && id <= INT4_MAX;

/** Several instances may boot at once: the one holding this lock creates the initial administrator. */
const BOOTSTRAP_LOCK_KEY = 7_270_302;

/** The only place that builds queries on users; it also answers the roles module's questions about them. */
@Injectable()
export class UsersRepository implements RoleMembers {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.repo.manager;
  }

  private async firstRow(sql: string, params: unknown[], manager?: EntityManager): Promise<Row | undefined> {
    return ((await this.m(manager).query(sql, params)) as Row[])[0];
  }

  /**
   * `lock`: hold the user's row until the transaction ends, so concurrent
   * changes to one user queue. The row is locked on its own, then read: a
   * lock taken through the join with roles would, once the row it waited for
   * changed role, re-check the new row against the old role row and find
   * nothing (a user who exists all along answered as not found).
   */
  async findById(id: number, manager?: EntityManager, lock = false): Promise<UserRecord | null> {
    const m = this.m(manager);
    if (lock) {
      const locked = (await m.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [id])) as Row[];
      if (locked.length === 0) return null;
    }
    const row = await this.firstRow(`SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE u.id = $1`, [id], m);
    return row ? toRecord(row) : null;
  }

  /** The user, locked until the transaction ends (see findById), or USER_NOT_FOUND: how each change to a user begins. */
  async lockedUser(id: number, manager: EntityManager): Promise<UserRecord> {
    const user = await this.findById(id, manager, true);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  /** For authentication: an id out of a signed token is looked up only if a row could have it. */
  async findAuthUser(id: number, manager?: EntityManager): Promise<AuthUser | null> {
    if (!isPossibleId(id)) return null;
    const row = await this.firstRow(`SELECT ${AUTH_COLUMNS} ${FROM_USERS} WHERE u.id = $1`, [id], manager);
    return row ? toAuthUser(row) : null;
  }

  accessOf(id: number): Promise<UserAccessRow | null> {
    if (!isPossibleId(id)) return Promise.resolve(null);
    return members.accessOf(this.m(), id);
  }

  async findForLogin(username: string): Promise<LoginUser | null> {
    const sql = `SELECT ${AUTH_COLUMNS}, u.password_hash ${FROM_USERS} WHERE u.username = $1`;
    const row = await this.firstRow(sql, [username]);
    return row ? toLoginUser(row) : null;
  }

  async passwordHashOf(id: number, manager?: EntityManager): Promise<string | null> {
    const row = await this.firstRow(`SELECT password_hash FROM users WHERE id = $1`, [id], manager);
    return (row?.password_hash as string | null | undefined) ?? null;
  }

  /** A fast answer for the common case; the unique indexes decide under concurrency. */
  async findTaken(
    username: string,
    email: string,
    manager?: EntityManager,
  ): Promise<{ username: boolean; email: boolean }> {
    const rows = (await this.m(manager).query(
      `SELECT bool_or(username = $1) AS username, bool_or(lower(email) = lower($2)) AS email
         FROM users WHERE username = $1 OR lower(email) = lower($2)`,
      [username, email],
    )) as Row[];
    return { username: rows[0]?.username === true, email: rows[0]?.email === true };
  }

  async emailTakenByOther(email: string, exceptId: number, manager?: EntityManager): Promise<boolean> {
    const rows = (await this.m(manager).query(
      `SELECT 1 FROM users WHERE lower(email) = lower($1) AND id <> $2 LIMIT 1`,
      [email, exceptId],
    )) as Row[];
    return rows.length > 0;
  }

  async insert(user: NewUser, manager: EntityManager): Promise<number> {
    try {
      const rows = (await manager.query(
        `INSERT INTO users (username, email, password_hash, role_name, is_active, is_api_user,
                            api_token_ttl_days, api_token_id, api_token_expires_at, api_token_issued_at,
                            must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() END, $10)
         RETURNING id`,
        [
          user.username,
          user.email,
          user.passwordHash,
          user.roleName,
          user.isActive,
          user.isApiUser,
          user.apiTokenTtlDays,
          user.apiTokenId,
          user.apiTokenExpiresAt,
          user.mustChangePassword ?? false,
        ],
      )) as Row[];
      return Number(rows[0].id);
    } catch (err) {
      throw writeError(err, user);
    }
  }

  async update(id: number, changes: UserChanges, manager: EntityManager): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${COLUMN_OF[field]} = $${params.length}`);
    }
    if (sets.length === 0) return;
    // A token issued or revoked by this change (a conversion) starts afresh, and any grace ends with the old one.
    if (changes.apiTokenId !== undefined) {
      sets.push(
        'api_token_issued_at = CASE WHEN api_token_id IS NULL THEN NULL ELSE now() END',
        'api_token_last_used_at = NULL',
        'previous_api_token_id = NULL',
        'previous_token_valid_until = NULL',
        'previous_token_last_used_at = NULL',
      );
    }
    params.push(id);
    try {
      await manager.query(
        `UPDATE users SET ${sets.join(', ')}, updated_at = now() WHERE id = $${params.length}`,
        params,
      );
    } catch (err) {
      throw writeError(err, { roleName: changes.roleName });
    }
  }

  /**
   * A regeneration in one statement: the new token becomes current; with a
   * grace, the current one becomes the previous (its last use moving along),
   * otherwise any previous token ends too.
   */
  async rotateToken(
    id: number,
    next: { tokenId: string; expiresAt: Date | null; issuedAt: Date },
    previousValidUntil: Date | null,
    manager: EntityManager,
  ): Promise<void> {
    const graced = previousValidUntil !== null;
    await manager.query(
      `UPDATE users
          SET previous_api_token_id = CASE WHEN $5 THEN api_token_id END,
              previous_token_valid_until = CASE WHEN $5 AND api_token_id IS NOT NULL THEN $4::timestamptz END,
              previous_token_last_used_at = CASE WHEN $5 THEN api_token_last_used_at END,
              api_token_id = $2, api_token_expires_at = $3, api_token_issued_at = $6,
              api_token_last_used_at = NULL, updated_at = now()
        WHERE id = $1`,
      [id, next.tokenId, next.expiresAt, previousValidUntil, graced, next.issuedAt],
    );
  }

  /**
   * Mirrors a failed login to the row, for the hygiene report (the lockout
   * counts elsewhere). Keyed by username so that an unknown name costs the
   * same statement as a known one.
   */
  async recordFailedLogin(username: string): Promise<void> {
    await this.m().query(
      `UPDATE users SET failed_login_count = failed_login_count + 1, last_failed_login_at = now()
        WHERE username = $1`,
      [username],
    );
  }

  /** A successful login: the failure count cleared, the time stamped, a stronger hash stored if one was made. */
  async recordLogin(id: number, manager: EntityManager, rehashed?: string): Promise<Date> {
    const result = await manager.query(
      `UPDATE users SET last_login_at = now(), failed_login_count = 0, password_hash = coalesce($2, password_hash)
        WHERE id = $1 RETURNING last_login_at AS "at"`,
      [id, rehashed ?? null],
    );
    return returnedRows<{ at: Date }>(result)[0]?.at ?? new Date();
  }

  /**
   * Stamps the use of an API token, current or previous, off the request
   * path. The row keeps the pace across instances: a stamp less than
   * `everyMs` old is left as it is, and the statement then changes nothing.
   */
  async recordTokenUse(userId: number, tokenId: string, at: Date, everyMs: number): Promise<void> {
    const before = new Date(at.getTime() - everyMs);
    await this.m().query(
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

  /** Held until the transaction ends: concurrent boots decide one after the other. */
  async lockBootstrap(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
  }

  countsByRole(manager?: EntityManager): Promise<Map<string, RoleUserCounts>> {
    return members.roleCounts(this.m(manager));
  }

  countsOf(role: string, manager?: EntityManager): Promise<RoleUserCounts> {
    return members.roleCountsOf(this.m(manager), role);
  }

  idsOf(role: string, manager: EntityManager): Promise<number[]> {
    return members.roleHolderIds(manager, role);
  }

  countAdministrators(manager: EntityManager, scope: AdministratorScope): Promise<number> {
    return members.countAdministrators(manager, scope);
  }

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM users WHERE id = $1`, [id]);
  }

  async list(filter: UserFilter): Promise<ListPage<UserRecord>> {
    return listUsers(this.m(), filter);
  }

  /** Accounts with at least one reason for review (see user-hygiene.ts), oldest first. */
  async hygiene(page: number, pageSize: number, now: number): Promise<Page<UserRecord>> {
    return listForReview(this.m(), page, pageSize, now);
  }
}
