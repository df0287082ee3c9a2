import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
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

export type RoleChanges = Partial<
  Pick<RoleEntity, 'displayName' | 'description' | 'permissions' | 'requireMfa'>
>;

// users is read by table name: the roles module sits below the users module and does not import it.
const USERS_TABLE = 'users';

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
