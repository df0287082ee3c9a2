import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { EXPIRING_WITHIN_MS } from './api-token-status.js';
import { HYGIENE } from './user-hygiene.js';
import { type ListPage, listUsers, type Page, type UserFilter } from './user-list.query.js';
import type { UserChanges, UserRecord } from './user-record.js';
import { FROM_USERS, type Row, toRecord, USER_COLUMNS, writeError } from './user-rows.js';
import { UserEntity } from './user.entity.js';

const DAY_MS = 24 * 3600 * 1000;

// Maps each settable field to its column: the only names that ever reach an UPDATE.
const COLUMN_OF: Record<keyof UserChanges, string> = {
  email: 'email',
  roleName: 'role_name',
  isActive: 'is_active',
  isApiUser: 'is_api_user',
  apiTokenTtlDays: 'api_token_ttl_days',
  apiTokenId: 'api_token_id',
  apiTokenExpiresAt: 'api_token_expires_at',
  previousApiTokenId: 'previous_api_token_id',
  previousTokenValidUntil: 'previous_token_valid_until',
  passwordHash: 'password_hash',
  mustChangePassword: 'must_change_password',
};

export interface RoleRef {
  name: string;
  displayName: string;
  permissions: string[];
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string | null;
  roleName: string;
  isActive: boolean;
  isApiUser: boolean;
  apiTokenTtlDays: number | null;
  apiTokenId: string | null;
  apiTokenExpiresAt: Date | null;
}

/** The only place that builds queries on users. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.repo.manager;
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
    const rows = (await m.query(`SELECT ${USER_COLUMNS} ${FROM_USERS} WHERE u.id = $1`, [id])) as Row[];
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** `share`: the role's permissions cannot change until the transaction ends. */
  async findRole(name: string, manager?: EntityManager, share = false): Promise<RoleRef | null> {
    const rows = (await this.m(manager).query(
      `SELECT name, display_name, permissions FROM roles WHERE name = $1${share ? ' FOR SHARE' : ''}`,
      [name],
    )) as Row[];
    if (!rows[0]) return null;
    return {
      name: String(rows[0].name),
      displayName: String(rows[0].display_name),
      permissions: rows[0].permissions as string[],
    };
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
                            api_token_ttl_days, api_token_id, api_token_expires_at, api_token_issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() END)
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

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM users WHERE id = $1`, [id]);
  }

  async list(filter: UserFilter): Promise<ListPage<UserRecord>> {
    return listUsers(this.m(), filter);
  }

  /** Accounts with at least one reason for review (see user-hygiene.ts), oldest first. */
  async hygiene(page: number, pageSize: number, now: number): Promise<Page<UserRecord>> {
    const params = [
      new Date(now - HYGIENE.neverLoggedInAfterDays * DAY_MS),
      HYGIENE.failedLoginsAtLeast,
      new Date(now + EXPIRING_WITHIN_MS),
      new Date(now - HYGIENE.tokenUnusedForDays * DAY_MS),
      new Date(now),
    ];
    const where = `WHERE (NOT u.is_api_user AND u.last_login_at IS NULL AND u.created_at < $1)
         OR u.failed_login_count >= $2
         OR (u.is_api_user AND (u.api_token_id IS NULL OR u.api_token_expires_at IS NULL
                                OR u.api_token_expires_at < $3
                                OR coalesce(u.api_token_last_used_at, u.api_token_issued_at, u.created_at) < $4
                                OR (u.previous_token_valid_until > $5
                                    AND u.previous_token_last_used_at >= coalesce(u.api_token_issued_at, '-infinity'))))
         OR NOT u.is_active
         OR (NOT u.is_api_user AND NOT u.mfa_enabled
             AND EXISTS (SELECT 1 FROM roles rr WHERE rr.name = u.role_name AND rr.require_mfa))`;
    const m = this.m();
    const [rows, counted] = await Promise.all([
      m.query(`SELECT ${USER_COLUMNS} ${FROM_USERS} ${where} ORDER BY u.id LIMIT $6 OFFSET $7`, [
        ...params,
        pageSize,
        (page - 1) * pageSize,
      ]) as Promise<Row[]>,
      m.query(`SELECT count(*)::int AS n FROM users u ${where}`, params) as Promise<Row[]>,
    ]);
    return { rows: rows.map(toRecord), total: Number(counted[0].n) };
  }
}
