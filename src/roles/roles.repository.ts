import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { RoleEntity } from './role.entity.js';

/** A role as a user change reads it: enough to check, grant and audit it. */
export interface RoleRef {
  name: string;
  displayName: string;
  permissions: string[];
}

export type RoleChanges = Partial<
  Pick<RoleEntity, 'displayName' | 'description' | 'permissions' | 'requireMfa'>
>;

/**
 * One advisory lock for every change that can remove an administrator (a user
 * deleted, deactivated or moved; a role losing full_access), so that two such
 * changes can never each see the other administrator and both succeed.
 */
const ADMINISTRATORS_LOCK_KEY = 7_270_401;

/** The only place that queries roles; who holds them is the users module's answer (RoleMembers). */
@Injectable()
export class RolesRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<RoleEntity[]> {
    return this.builder().orderBy('r.isSystem', 'DESC').addOrderBy('r.name', 'ASC').getMany();
  }

  find(name: string): Promise<RoleEntity | null> {
    return this.builder().where('r.name = :name', { name }).getOne();
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

  /** Taken before counting administrators; held until the transaction ends. */
  async lockAdministrators(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [ADMINISTRATORS_LOCK_KEY]);
  }

  private builder(manager?: EntityManager): SelectQueryBuilder<RoleEntity> {
    return (manager ?? this.dataSource.manager).getRepository(RoleEntity).createQueryBuilder('r');
  }
}
