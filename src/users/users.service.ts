import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Clock } from '../common/clock.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { type Tx, TransactionRunner } from '../database/transaction.js';
import { assertCanActOn, assertCanGrant } from '../roles/escalation.js';
import { RoleNotFoundError } from '../roles/roles.errors.js';
import { type Actor, userAuditEntry } from './actor.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { inGrace } from './api-token-status.js';
import { type AuditedField, apiUserChange } from './api-user-change.js';
import type { CreateUserResponseDto } from './dto/create-user-response.dto.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { ListUsersQuery } from './dto/list-users.query.js';
import { DEFAULT_PAGE_SIZE } from './dto/page.query.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { UserListResponseDto } from './dto/user-list-response.dto.js';
import type { UserResponseDto } from './dto/user-response.dto.js';
import type { UserWithTokenResponseDto } from './dto/user-with-token-response.dto.js';
import { LastAdministratorRule } from './last-administrator.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import type { UserChanges } from './user-record.js';
import { assertApiRole, assertNotSelf, ttlOnlyForApiUsers, ttlRequired } from './user-rules.js';
import { toUserResponse } from './users.mapper.js';
import { type RoleRef, UsersRepository } from './users.repository.js';
import {
  CannotDeleteSelfError,
  EmailTakenError,
  UsernameTakenError,
  UserNotFoundError,
} from './users.errors.js';

/** Deactivation ends a previous token's grace for good: reactivation brings back the current token only. */
const GRACE_ENDED = { previousApiTokenId: null, previousTokenValidUntil: null } as const;

/**
 * Users and their rules: who may create, change or delete whom (no privilege
 * escalation, never the last administrator), and what a change ends
 * (sessions, API tokens). Each change commits with its audit entry, and the
 * user's cached auth state is evicted after the commit.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: ApiTokenIssuer,
    private readonly lastAdministrator: LastAdministratorRule,
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
    const role = await this.users.findRole(dto.role);
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
      const current = await this.users.findRole(dto.role, manager, true);
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
      user: toUserResponse(user),
      ...(token ? { apiToken: this.tokens.sign(user.id, token) } : {}),
    };
  }

  async update(actor: Actor, id: number, dto: UpdateUserDto): Promise<UserWithTokenResponseDto> {
    if (dto.isActive === false) assertNotSelf(actor, id);
    const result = await this.tx.run(async (tx) => {
      const { manager } = tx;
      const user = await this.users.lockedUser(id, tx.manager);
      assertCanActOn(actor.auth.permissions, user.rolePermissions);
      const changes: UserChanges = {};
      const before: Partial<Record<AuditedField, unknown>> = {};
      const after: Partial<Record<AuditedField, unknown>> = {};
      const change = (field: AuditedField, from: unknown, to: unknown) => {
        before[field] = from;
        after[field] = to;
      };

      let role: RoleRef = {
        name: user.roleName,
        displayName: user.roleDisplayName,
        permissions: user.rolePermissions,
      };
      if (dto.role !== undefined && dto.role !== user.roleName) {
        const next = await this.users.findRole(dto.role, manager, true);
        if (!next) throw new RoleNotFoundError(dto.role);
        assertCanGrant(actor.auth.permissions, next.permissions, 'assign a role with');
        role = next;
        changes.roleName = next.name;
        change('role', user.roleName, next.name);
      }
      if (dto.email !== undefined && dto.email !== user.email) {
        if (await this.users.emailTakenByOther(dto.email, id, manager)) throw new EmailTakenError();
        changes.email = dto.email;
        change('email', user.email, dto.email);
      }

      const isApiUser = dto.isApiUser ?? user.isApiUser;
      const isActive = dto.isActive ?? user.isActive;
      if (!isApiUser && dto.apiTokenTtlDays !== undefined) throw ttlOnlyForApiUsers();
      if (isApiUser && !user.isApiUser && dto.apiTokenTtlDays === undefined) throw ttlRequired();
      // Only a change that gives an API user its role is refused; an unrelated edit is not.
      if (isApiUser && (!user.isApiUser || changes.roleName !== undefined)) assertApiRole(role);
      await this.lastAdministrator.assertKept(
        user,
        { isActive, isApiUser, permissions: role.permissions },
        'demote, deactivate or convert',
        manager,
      );

      const converted = apiUserChange(user, isApiUser, dto.apiTokenTtlDays, this.tokens);
      Object.assign(changes, converted.changes);
      for (const [field, from, to] of converted.audited) change(field, from, to);
      const token = converted.token;
      let sessionsRevoked = converted.endsSessions ? await this.sessions.revokeAllForUser(id, tx) : 0;

      if (isActive !== user.isActive) {
        changes.isActive = isActive;
        change('isActive', user.isActive, isActive);
        // A token issued in this same change is suspended with the user: shown, it works once reactivated.
        if (!isActive) sessionsRevoked += await this.endSessions(id, tx);
        if (!isActive && user.hasPreviousToken) Object.assign(changes, GRACE_ENDED);
      }

      if (Object.keys(after).length === 0) return { user, token: undefined };
      await this.users.update(id, changes, manager);
      await this.audit.record(
        userAuditEntry('user.updated', actor, user, {
          before,
          after,
          ...(token ? { tokenIssued: true } : {}),
          ...(user.isApiUser && !isApiUser ? { tokenRevoked: true } : {}),
          ...(!isActive && user.isActive && isApiUser && (token || user.hasApiToken)
            ? { tokenSuspended: true }
            : {}),
          ...(sessionsRevoked ? { sessionsRevoked } : {}),
          ...(!isActive && user.isActive && inGrace(user) ? { previousTokenRevoked: true } : {}),
        }),
        manager,
      );
      this.evictAfterCommit(tx, id);
      return { user: (await this.users.findById(id, manager))!, token };
    });
    return {
      ...toUserResponse(result.user),
      ...(result.token ? { apiToken: this.tokens.sign(id, result.token) } : {}),
    };
  }

  async remove(actor: Actor, id: number): Promise<void> {
    if (id === actor.auth.userId) throw new CannotDeleteSelfError();
    await this.tx.run(async (tx) => {
      const user = await this.users.lockedUser(id, tx.manager);
      assertCanActOn(actor.auth.permissions, user.rolePermissions);
      await this.lastAdministrator.assertKept(user, null, 'delete', tx.manager);
      // The rows would go with the foreign key's cascade; revoking first also evicts their cache entries.
      const sessionsRevoked = await this.sessions.revokeAllForUser(id, tx);
      await this.users.delete(id, tx.manager);
      await this.audit.record(
        userAuditEntry('user.deleted', actor, user, {
          role: user.roleName,
          email: user.email,
          isApiUser: user.isApiUser,
          ...(sessionsRevoked ? { sessionsRevoked } : {}),
        }),
        tx.manager,
      );
      this.evictAfterCommit(tx, id);
    });
  }

  async toggleStatus(actor: Actor, id: number): Promise<UserResponseDto> {
    // Your own account is active while you call: toggling it could only deactivate it.
    assertNotSelf(actor, id);
    const user = await this.tx.run(async (tx) => {
      const current = await this.users.lockedUser(id, tx.manager);
      assertCanActOn(actor.auth.permissions, current.rolePermissions);
      const isActive = !current.isActive;
      let sessionsRevoked = 0;
      if (!isActive) {
        await this.lastAdministrator.assertKept(
          current,
          { isActive, isApiUser: current.isApiUser, permissions: current.rolePermissions },
          'deactivate',
          tx.manager,
        );
        sessionsRevoked = await this.endSessions(id, tx);
      }
      const endsGrace = !isActive && current.hasPreviousToken;
      await this.users.update(id, { isActive, ...(endsGrace ? GRACE_ENDED : {}) }, tx.manager);
      await this.audit.record(
        userAuditEntry('user.status_changed', actor, current, {
          before: { isActive: current.isActive },
          after: { isActive },
          ...(sessionsRevoked ? { sessionsRevoked } : {}),
          ...(!isActive && current.isApiUser && current.hasApiToken ? { tokenSuspended: true } : {}),
          ...(!isActive && inGrace(current) ? { previousTokenRevoked: true } : {}),
        }),
        tx.manager,
      );
      this.evictAfterCommit(tx, id);
      return (await this.users.findById(id, tx.manager))!;
    });
    return toUserResponse(user);
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

  private evictAfterCommit(tx: Tx, id: number): void {
    tx.afterCommit(() => this.sessions.evictUser(id));
  }
}
