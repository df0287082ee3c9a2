import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { Permission } from '../common/auth/permission.js';
import { RoleEntity } from './role.entity.js';

/** How many users hold a role, and how many of those are API users. */
export interface RoleUserCounts {
  userCount: number;
  apiUserCount: number;
}

export interface RoleWithUserCount extends RoleUserCounts {
  role: RoleEntity;
}

/** What decides whether a user holds a permission. */
export interface UserAccessRow {
  isActive: boolean;
  isApiUser: boolean;
  permissions: string[];
}

/** A role as a user change reads it: enough to check, grant and audit it. */
export interface RoleRef {
  name: string;
  displayName: string;
  permissions: string[];
}

export type RoleChanges = Partial<
  Pick<RoleEntity, 'displayName' | 'description' | 'permissions' | 'requireMfa'>
>;

// users is read by table name: the roles module sits below the users module and does not import it.
const USERS_TABLE = 'users';

/**
 * One advisory lock for every change that can remove an administrator (a user
 * deleted, deactivated or moved; a role losing full_access), so that two such
 * changes can never each see the other administrator and both succeed.
 */
const ADMINISTRATORS_LOCK_KEY = 7_270_401;

/** Which administrators to count: those of one role, or all but one role's or one user. */
export type AdministratorScope = { inRole: string } | { exceptRole: string } | { exceptUser: number };

/** The only place that queries roles (and counts their users). */
@Injectable()
export class RolesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<RoleWithUserCount[]> {
    return this.withUserCount(this.builder().orderBy('r.isSystem', 'DESC').addOrderBy('r.name', 'ASC'));
  }

  async findWithUserCount(name: string, manager?: EntityManager): Promise<RoleWithUserCount | null> {
    const [found] = await this.withUserCount(this.builder(manager).where('r.name = :name', { name }));
    return found ?? null;
  }

  /** Locks the row for the rest of the transaction, so concurrent edits apply one after the other. */
  findForUpdate(manager: EntityManager, name: string): Promise<RoleEntity | null> {
    return this.builder(manager).where('r.name = :name', { name }).setLock('pessimistic_write').getOne();
  }

  /** A role's permissions, or null when there is no such role. */
  async permissionsOf(name: string): Promise<string[] | null> {
    const role = await this.dataSource.manager.getRepository(RoleEntity).findOne({
      where: { name },
      select: { name: true, permissions: true },
    });
    return role?.permissions ?? null;
  }

  /** `share`: the role's permissions cannot change until the transaction ends. */
  async findRef(name: string, manager?: EntityManager, share = false): Promise<RoleRef | null> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT name, display_name AS "displayName", permissions FROM roles WHERE name = $1${share ? ' FOR SHARE' : ''}`,
      [name],
    )) as RoleRef[];
    return rows[0] ?? null;
  }

  exists(manager: EntityManager, name: string): Promise<boolean> {
    return manager.getRepository(RoleEntity).existsBy({ name });
  }

  async insert(
    manager: EntityManager,
    values: Pick<RoleEntity, 'name' | 'displayName' | 'description' | 'permissions' | 'requireMfa'>,
  ): Promise<RoleEntity> {
    const repo = manager.getRepository(RoleEntity);
    await repo.insert({ ...values, isSystem: false });
    return repo.findOneByOrFail({ name: values.name });
  }

  async update(manager: EntityManager, name: string, changes: RoleChanges): Promise<RoleEntity> {
    const repo = manager.getRepository(RoleEntity);
    await repo.update({ name }, changes);
    return repo.findOneByOrFail({ name });
  }

  async delete(manager: EntityManager, name: string): Promise<void> {
    await manager.getRepository(RoleEntity).delete({ name });
  }

  async countUsers(name: string, manager?: EntityManager): Promise<number> {
    const row = await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .select('count(*)::int', 'count')
      .from(USERS_TABLE, 'u')
      .where('u.role_name = :name', { name })
      .getRawOne<{ count: number }>();
    return Number(row?.count ?? 0);
  }

  async userIds(name: string, manager?: EntityManager): Promise<number[]> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT id FROM ${USERS_TABLE} WHERE role_name = $1`,
      [name],
    )) as { id: number }[];
    return rows.map((r) => Number(r.id));
  }

  async userCounts(name: string, manager?: EntityManager): Promise<RoleUserCounts> {
    const row = await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .select('count(*)::int', 'users')
      .addSelect('(count(*) FILTER (WHERE u.is_api_user))::int', 'api')
      .from(USERS_TABLE, 'u')
      .where('u.role_name = :name', { name })
      .getRawOne<{ users: number; api: number }>();
    return { userCount: Number(row?.users ?? 0), apiUserCount: Number(row?.api ?? 0) };
  }

  /** A user's activity, kind and role permissions in one read; null when there is no such user. */
  async userAccess(userId: number): Promise<UserAccessRow | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('u.is_active', 'isActive')
      .addSelect('u.is_api_user', 'isApiUser')
      .addSelect('r.permissions', 'permissions')
      .from(USERS_TABLE, 'u')
      .innerJoin(RoleEntity, 'r', 'r.name = u.role_name')
      .where('u.id = :userId', { userId })
      .getRawOne<UserAccessRow>();
    return row ?? null;
  }

  /** Taken before counting administrators; held until the transaction ends. */
  async lockAdministrators(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMINISTRATORS_LOCK_KEY]);
  }

  /** Active users who can log in and whose role holds full_access, within `scope`. */
  async countAdministrators(manager: EntityManager, scope: AdministratorScope): Promise<number> {
    const [where, value] =
      'inRole' in scope
        ? ['r.name = $2', scope.inRole]
        : 'exceptRole' in scope
          ? ['r.name <> $2', scope.exceptRole]
          : ['u.id <> $2', scope.exceptUser];
    const rows = (await manager.query(
      `SELECT count(*)::int AS n FROM ${USERS_TABLE} u JOIN roles r ON r.name = u.role_name
        WHERE u.is_active AND NOT u.is_api_user AND $1 = ANY(r.permissions) AND ${where}`,
      [Permission.FullAccess, value],
    )) as { n: number }[];
    return Number(rows[0].n);
  }

  private builder(manager?: EntityManager): SelectQueryBuilder<RoleEntity> {
    return (manager ?? this.dataSource.manager).getRepository(RoleEntity).createQueryBuilder('r');
  }

  private async withUserCount(qb: SelectQueryBuilder<RoleEntity>): Promise<RoleWithUserCount[]> {
    const { entities, raw } = await qb
      .addSelect(
        (sub) => sub.select('count(*)::int').from(USERS_TABLE, 'u').where('u.role_name = r.name'),
        'user_count',
      )
      .addSelect(
        (sub) =>
          sub.select('count(*)::int').from(USERS_TABLE, 'u').where('u.role_name = r.name AND u.is_api_user'),
        'api_user_count',
      )
      .getRawAndEntities<{ r_name: string; user_count: number | string; api_user_count: number | string }>();
    const counts = new Map(
      raw.map((row) => [
        row.r_name,
        { userCount: Number(row.user_count), apiUserCount: Number(row.api_user_count) },
      ]),
    );
    return entities.map((role) => ({
      role,
      ...(counts.get(role.name) ?? { userCount: 0, apiUserCount: 0 }),
    }));
  }
}
