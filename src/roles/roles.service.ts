import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuditEntryInput } from '../audit/audit.types.js';
import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { TransactionRunner } from '../database/transaction.js';
import type { CreateRoleDto } from './dto/create-role.dto.js';
import { ROLE_NAME } from './dto/role-fields.js';
import type { RoleResponseDto } from './dto/role-response.dto.js';
import type { UpdateRoleDto } from './dto/update-role.dto.js';
import { assertCanGrant } from './escalation.js';
import { LastAdministratorRule } from './last-administrator.js';
import { PermissionCatalog } from './permission-catalog.js';
import {
  RoleExistsError,
  RoleHoldsLastAdministratorsError,
  RoleInUseError,
  RoleNotFoundError,
  SystemRoleError,
} from './roles.errors.js';
import { ROLE_FIELDS, type RoleSnapshot, sameSet, snapshotOf, toRoleResponse } from './role.mapper.js';
import { RolePermissionsService } from './role-permissions.service.js';
import type { RoleEntity } from './role.entity.js';
import { RoleMembers } from './role-members.js';
import { type RoleChanges, RolesRepository } from './roles.repository.js';
import { FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from '../common/errors/sql-state.js';
import { changeEntry } from '../audit/audit-entries.js';

const NOBODY = { userCount: 0, apiUserCount: 0 };

/** Roles as named permission sets: the rules, the audit entries and the cache evictions. */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RolesRepository,
    private readonly members: RoleMembers,
    private readonly catalog: PermissionCatalog,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly rolePermissions: RolePermissionsService,
    private readonly lastAdministrator: LastAdministratorRule,
  ) {}

  async list(): Promise<RoleResponseDto[]> {
    const roles = await this.roles.list();
    const counts = await this.members.countsByRole();
    return roles.map((role) => toRoleResponse(role, counts.get(role.name) ?? NOBODY, this.catalog));
  }

  async get(name: string): Promise<RoleResponseDto> {
    assertPossibleName(name);
    const role = await this.roles.find(name);
    if (!role) throw new RoleNotFoundError(name);
    return toRoleResponse(role, await this.members.countsOf(name), this.catalog);
  }

  async create(caller: AuthContext, client: ClientInfo, dto: CreateRoleDto): Promise<RoleResponseDto> {
    this.assertKnown(dto.permissions);
    assertCanGrant(caller.permissions, dto.permissions);
    try {
      return await this.tx.run(async ({ manager }) => {
        if (await this.roles.exists(manager, dto.name)) throw new RoleExistsError(dto.name);
        const role = await this.roles.insert(manager, {
          name: dto.name,
          displayName: dto.displayName,
          description: dto.description ?? '',
          permissions: dto.permissions,
          requireMfa: dto.requireMfa ?? false,
        });
        await this.audit.record(
          this.entry('role.created', caller, client, role, { after: snapshotOf(role) }),
          manager,
        );
        return toRoleResponse(role, { userCount: 0, apiUserCount: 0 }, this.catalog);
      });
    } catch (err) {
      // Two concurrent creates both pass the check above; the primary key decides.
      if (sqlState(err) === UNIQUE_VIOLATION) throw new RoleExistsError(dto.name);
      throw err;
    }
  }

  async update(
    caller: AuthContext,
    client: ClientInfo,
    name: string,
    dto: UpdateRoleDto,
  ): Promise<RoleResponseDto> {
    assertPossibleName(name);
    if (dto.permissions) this.assertKnown(dto.permissions);
    return this.tx.run(async (tx) => {
      const before = await this.roles.findForUpdate(tx.manager, name);
      if (!before) throw new RoleNotFoundError(name);
      const changes = changesOf(before, dto);
      if (before.isSystem && changes.permissions) throw new SystemRoleError(name, 'permissions');
      if (dto.permissions) assertCanGrant(caller.permissions, dto.permissions);
      assertCanGrant(caller.permissions, before.permissions, 'edit a role holding');
      if (changes.permissions) await this.assertAdministratorsKept(tx.manager, before, changes.permissions);
      const keys = ROLE_FIELDS.filter((k) => changes[k] !== undefined);
      const counts = await this.members.countsOf(name, tx.manager);
      if (keys.length === 0) return toRoleResponse(before, counts, this.catalog);
      const after = await this.roles.update(tx.manager, name, changes);
      await this.audit.record(
        this.entry('role.updated', caller, client, after, {
          before: pick(snapshotOf(before), keys),
          after: pick(snapshotOf(after), keys),
        }),
        tx.manager,
      );
      if (changes.permissions) tx.afterCommit(() => this.rolePermissions.evict(name));
      if (changes.requireMfa !== undefined) {
        // Whether a user must enrol rides in each user's cached state: theirs is re-read on the next request.
        const holders = await this.members.idsOf(name, tx.manager);
        tx.afterCommit(() => this.rolePermissions.evictUsers(holders));
      }
      return toRoleResponse(after, counts, this.catalog);
    });
  }

  async remove(caller: AuthContext, client: ClientInfo, name: string): Promise<void> {
    assertPossibleName(name);
    try {
      await this.tx.run(async (tx) => {
        const role = await this.roles.findForUpdate(tx.manager, name);
        if (!role) throw new RoleNotFoundError(name);
        if (role.isSystem) throw new SystemRoleError(name, 'deleted');
        assertCanGrant(caller.permissions, role.permissions, 'delete a role holding');
        const { userCount: users } = await this.members.countsOf(name, tx.manager);
        if (users > 0) throw new RoleInUseError(users);
        await this.roles.delete(tx.manager, name);
        await this.audit.record(
          this.entry('role.deleted', caller, client, role, { before: snapshotOf(role) }),
          tx.manager,
        );
        tx.afterCommit(() => this.rolePermissions.evict(name));
      });
    } catch (err) {
      // A user assigned in a concurrent transaction: the foreign key refuses the delete.
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) {
        throw new RoleInUseError(Math.max(1, (await this.members.countsOf(name)).userCount));
      }
      throw err;
    }
  }

  /** A role that loses full_access must not take the last administrators with it. */
  private assertAdministratorsKept(
    manager: EntityManager,
    before: RoleEntity,
    after: string[],
  ): Promise<void> {
    return this.lastAdministrator.assertKept(
      { role: before.name, before: before.permissions, after },
      manager,
      () => new RoleHoldsLastAdministratorsError(before.name),
    );
  }

  private assertKnown(permissions: readonly string[]): void {
    const unknown = this.catalog.unknown(permissions);
    if (unknown.length > 0) {
      const message = `Unknown permissions: ${unknown.join(', ')}`;
      throw new ValidationFailedError([{ field: 'permissions', message }], message);
    }
  }

  private entry(
    action: 'role.created' | 'role.updated' | 'role.deleted',
    caller: AuthContext,
    client: ClientInfo,
    role: RoleEntity,
    details: Record<string, unknown>,
  ): AuditEntryInput {
    return changeEntry(
      action,
      caller,
      client,
      { type: 'role', id: role.name, label: role.displayName },
      details,
    );
  }
}

/** A name no role can have is not looked up (a NUL byte would not even reach PostgreSQL). */
function assertPossibleName(name: string): void {
  if (!ROLE_NAME.test(name)) throw new RoleNotFoundError(name);
}

/** Only what the request actually changes; an identical permission set is no change. */
function changesOf(role: RoleEntity, dto: UpdateRoleDto): RoleChanges {
  const changes: RoleChanges = {};
  if (dto.displayName !== undefined && dto.displayName !== role.displayName) {
    changes.displayName = dto.displayName;
  }
  if (dto.description !== undefined && dto.description !== role.description) {
    changes.description = dto.description;
  }
  if (dto.permissions !== undefined && !sameSet(dto.permissions, role.permissions)) {
    changes.permissions = dto.permissions;
  }
  if (dto.requireMfa !== undefined && dto.requireMfa !== role.requireMfa) {
    changes.requireMfa = dto.requireMfa;
  }
  return changes;
}

function pick(snapshot: RoleSnapshot, keys: readonly (keyof RoleSnapshot)[]): Partial<RoleSnapshot> {
  return Object.fromEntries(keys.map((k) => [k, snapshot[k]]));
}
