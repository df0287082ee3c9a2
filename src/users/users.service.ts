import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Clock } from '../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { type Tx, TransactionRunner } from '../database/transaction.js';
import { assertCanGrant } from '../roles/escalation.js';
import { RoleNotFoundError } from '../roles/roles.errors.js';
import { type RoleRef, RolesRepository } from '../roles/roles.repository.js';
import { type AdministratorState, LastAdministratorRule } from '../roles/last-administrator.js';
import { type Actor, userAuditEntry } from './actor.js';
import { UserChangeRunner } from './user-change-runner.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { inGrace } from './api-token-status.js';
import { apiUserChange } from './api-user-change.js';
import type { CreateUserResponseDto } from './dto/create-user-response.dto.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { ListUsersQuery } from './dto/list-users.query.js';
import { DEFAULT_PAGE_SIZE } from './dto/page.query.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { UserListResponseDto } from './dto/user-list-response.dto.js';
import type { UserResponseDto } from './dto/user-response.dto.js';
import type { UserWithTokenResponseDto } from './dto/user-with-token-response.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { administratorStateOf, GRACE_ENDED, UserEdit } from './user-edit.js';
import type { UserRecord } from './user-record.js';
import { assertApiRole, assertNotSelf, ttlOnlyForApiUsers } from './user-rules.js';
import { toUserResponse } from './users.mapper.js';
import { UsersRepository } from './users.repository.js';
import {
  CannotDeleteSelfError,
  EmailTakenError,
  LastAdministratorError,
  UsernameTakenError,
  UserNotFoundError,
} from './users.errors.js';

/**
 * Users and their rules: who may create, change or delete whom (no privilege
 * escalation, never the last administrator), and what a change ends
 * (sessions, API tokens). Each change commits with its audit entry, and the
 * user's cached auth state is evicted after the commit.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly changes: UserChangeRunner,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: ApiTokenIssuer,
    private readonly lastAdministrator: LastAdministratorRule,
    private readonly roles: RolesRepository,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    private readonly clock: Clock,
  ) {}

  async list(query: ListUsersQuery): Promise<UserListResponseDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const { rows, total, totalExact } = await this.users.list({
      search: query.search || undefined,
      role: query.role,
      isActive: query.isActive,
      isApiUser: query.isApiUser,
      mfaEnabled: query.mfaEnabled,
      sort: query.sort ?? 'username',
      order: query.order ?? 'asc',
      page,
      pageSize,
    });
    const now = this.clock.now();
    return { items: rows.map((u) => toUserResponse(u, now)), total, totalExact, page, pageSize };
  }

  async get(id: number): Promise<UserResponseDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return toUserResponse(user, this.clock.now());
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<CreateUserResponseDto> {
    const isApiUser = dto.isApiUser ?? false;
    const isActive = dto.isActive ?? true;
    if (!isApiUser && dto.apiTokenTtlDays !== undefined) throw ttlOnlyForApiUsers();
    const role = await this.roles.findRef(dto.role);
    if (!role) throw new RoleNotFoundError(dto.role);
    assertCanGrant(actor.auth.permissions, role.permissions, 'assign a role with');
    if (isApiUser) assertApiRole(role);
    // API users cannot log in: a password sent for one is not even hashed.
    if (!isApiUser) this.policy.assertAcceptable(dto.password!, dto.username);
    const taken = await this.users.findTaken(dto.username, dto.email);
    if (taken.username) throw new UsernameTakenError(dto.username);
    if (taken.email) throw new EmailTakenError();
    const passwordHash = isApiUser ? null : await this.hasher.hash(dto.password!);
    const token = isApiUser ? this.tokens.plan(dto.apiTokenTtlDays!) : undefined;

    const user = await this.tx.run(async ({ manager }) => {
      // The role as it is now, held until commit, so its permissions cannot grow between check and grant.
      const current = await this.roles.findRef(dto.role, manager, true);
      if (!current) throw new RoleNotFoundError(dto.role);
      assertCanGrant(actor.auth.permissions, current.permissions, 'assign a role with');
      if (isApiUser) assertApiRole(current);
      const id = await this.users.insert(
        {
          username: dto.username,
          email: dto.email,
          passwordHash,
          roleName: current.name,
          isActive,
          isApiUser,
          apiTokenTtlDays: isApiUser ? dto.apiTokenTtlDays! : null,
          apiTokenId: token?.tokenId ?? null,
          apiTokenExpiresAt: token?.expiresAt ?? null,
        },
        manager,
      );
      const details = {
        role: current.name,
        isActive,
        isApiUser,
        apiTokenTtlDays: dto.apiTokenTtlDays ?? null,
      };
      await this.audit.record(
        userAuditEntry('user.created', actor, { id, username: dto.username }, details),
        manager,
      );
      return (await this.users.findById(id, manager))!;
    });
    return {
      user: toUserResponse(user, this.clock.now()),
      ...(token ? { apiToken: this.tokens.sign(user.id, token) } : {}),
    };
  }

  async update(actor: Actor, id: number, dto: UpdateUserDto): Promise<UserWithTokenResponseDto> {
    if (dto.isActive === false) assertNotSelf(actor, id);
    const result = await this.changes.apply(actor, id, async (user, tx) => {
      const target = { isApiUser: dto.isApiUser ?? user.isApiUser, isActive: dto.isActive ?? user.isActive };
      const edit = new UserEdit(user, target, this.clock.now());
      const role = await this.changeRole(actor, edit, dto.role, tx);
      await this.changeEmail(edit, dto.email, tx);
      edit.assertKind(role, dto.apiTokenTtlDays);
      await this.assertAdministratorKept(
        user,
        { ...target, permissions: role.permissions },
        'demote, deactivate or convert',
        tx.manager,
      );
      await this.convert(edit, dto.apiTokenTtlDays, tx);
      await this.changeActivation(edit, tx);
      if (edit.isEmpty) return { entry: null, value: { user, token: undefined } };
      await this.users.update(id, edit.changes, tx.manager);
      const after = (await this.users.findById(id, tx.manager))!;
      return {
        entry: { action: 'user.updated', details: edit.details() },
        value: { user: after, token: edit.token },
      };
    });
    return {
      ...toUserResponse(result.user, this.clock.now()),
      ...(result.token ? { apiToken: this.tokens.sign(id, result.token) } : {}),
    };
  }

  /** A new role, held until commit so its permissions cannot grow between check and grant; the role after. */
  private async changeRole(actor: Actor, edit: UserEdit, name: string | undefined, tx: Tx): Promise<RoleRef> {
    const { user } = edit;
    if (name === undefined || name === user.roleName) {
      return { name: user.roleName, displayName: user.roleDisplayName, permissions: user.rolePermissions };
    }
    const next = await this.roles.findRef(name, tx.manager, true);
    if (!next) throw new RoleNotFoundError(name);
    assertCanGrant(actor.auth.permissions, next.permissions, 'assign a role with');
    edit.changes.roleName = next.name;
    edit.audit('role', user.roleName, next.name);
    return next;
  }

  private async changeEmail(edit: UserEdit, email: string | undefined, tx: Tx): Promise<void> {
    const { user } = edit;
    if (email === undefined || email === user.email) return;
    if (await this.users.emailTakenByOther(email, user.id, tx.manager)) throw new EmailTakenError();
    edit.changes.email = email;
    edit.audit('email', user.email, email);
  }

  /** To an API user or back, or a new token lifetime; a conversion to an API user ends the sessions. */
  private async convert(edit: UserEdit, ttlDays: number | undefined, tx: Tx): Promise<void> {
    const converted = apiUserChange(edit.user, edit.target.isApiUser, ttlDays, this.tokens);
    Object.assign(edit.changes, converted.changes);
    for (const [field, from, to] of converted.audited) edit.audit(field, from, to);
    edit.token = converted.token;
    if (converted.endsSessions)
      edit.sessionsRevoked += await this.sessions.revokeAllForUser(edit.user.id, tx);
  }

  private async changeActivation(edit: UserEdit, tx: Tx): Promise<void> {
    const { user } = edit;
    const { isActive } = edit.target;
    if (isActive === user.isActive) return;
    edit.changes.isActive = isActive;
    edit.audit('isActive', user.isActive, isActive);
    // A token issued in this same change is suspended with the user: shown, it works once reactivated.
    if (!isActive) edit.sessionsRevoked += await this.endSessions(user.id, tx);
    if (!isActive && user.hasPreviousToken) Object.assign(edit.changes, GRACE_ENDED);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    if (id === actor.auth.userId) throw new CannotDeleteSelfError();
    await this.changes.apply(actor, id, async (user, tx) => {
      await this.assertAdministratorKept(user, null, 'delete', tx.manager);
      // The rows would go with the foreign key's cascade; revoking first also evicts their cache entries.
      const sessionsRevoked = await this.sessions.revokeAllForUser(id, tx);
      await this.users.delete(id, tx.manager);
      const details = {
        role: user.roleName,
        email: user.email,
        isApiUser: user.isApiUser,
        ...(sessionsRevoked ? { sessionsRevoked } : {}),
      };
      return { entry: { action: 'user.deleted', details }, value: undefined };
    });
  }

  async toggleStatus(actor: Actor, id: number): Promise<UserResponseDto> {
    // Your own account is active while you call: toggling it could only deactivate it.
    assertNotSelf(actor, id);
    const user = await this.changes.apply(actor, id, async (current, tx) => {
      const isActive = !current.isActive;
      let sessionsRevoked = 0;
      if (!isActive) {
        await this.assertAdministratorKept(
          current,
          { isActive, isApiUser: current.isApiUser, permissions: current.rolePermissions },
          'deactivate',
          tx.manager,
        );
        sessionsRevoked = await this.endSessions(id, tx);
      }
      const endsGrace = !isActive && current.hasPreviousToken;
      await this.users.update(id, { isActive, ...(endsGrace ? GRACE_ENDED : {}) }, tx.manager);
      const details = {
        before: { isActive: current.isActive },
        after: { isActive },
        ...(sessionsRevoked ? { sessionsRevoked } : {}),
        ...(!isActive && current.isApiUser && current.hasApiToken ? { tokenSuspended: true } : {}),
        ...(!isActive && inGrace(current, this.clock.now()) ? { previousTokenRevoked: true } : {}),
      };
      const after = (await this.users.findById(id, tx.manager))!;
      return { entry: { action: 'user.status_changed', details }, value: after };
    });
    return toUserResponse(user, this.clock.now());
  }

  /**
   * Deactivation is reversible. Sessions end at once (unless
   * DEACTIVATION_ENDS_SESSIONS=false lets them run out) and stay ended; an API
   * token is only suspended: refused while the user is inactive, it works
   * again on reactivation unless it expired or was regenerated meanwhile.
   */
  private async endSessions(id: number, tx: Tx): Promise<number> {
    if (!this.options.deactivationEndsSessions) return 0;
    return this.sessions.revokeAllForUser(id, tx);
  }

  /** `after` is the user's state once the change is made, or null when the user is deleted. */
  private assertAdministratorKept(
    user: UserRecord,
    after: AdministratorState | null,
    action: string,
    manager: EntityManager,
  ): Promise<void> {
    const change = { userId: user.id, before: administratorStateOf(user), after };
    return this.lastAdministrator.assertKept(change, manager, () => new LastAdministratorError(action));
  }
}
