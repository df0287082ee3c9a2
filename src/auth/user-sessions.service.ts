import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuthContext, ClientInfo } from '../common/auth/auth-context.js';
import { TransactionRunner } from '../database/transaction.js';
import { assertCanActOn } from '../roles/escalation.js';
import { RolePermissionsService } from '../roles/role-permissions.service.js';
import { UserNotFoundError } from '../users/users.errors.js';
import type { RevokeSessionsResponseDto } from './dto/revoke-sessions-response.dto.js';
import type { SessionResponseDto } from '../sessions/dto/session-response.dto.js';
import { sessionViewOf } from '../sessions/session.mapper.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { changeEntry, userTarget } from '../audit/audit-entries.js';
import type { AuthUser } from '../users/user-record.js';
import { UsersRepository } from '../users/users.repository.js';

/** A user administrator's view of another user's sessions. */
@Injectable()
export class UserSessionsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly rolePermissions: RolePermissionsService,
    private readonly sessions: SessionsService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthContext, userId: number): Promise<SessionResponseDto[]> {
    await this.target(caller, userId);
    const rows = await this.sessions.findLive(userId);
    return rows.map((r) => sessionViewOf(r, caller.sessionId));
  }

  async revokeAll(
    caller: AuthContext,
    userId: number,
    client: ClientInfo,
  ): Promise<RevokeSessionsResponseDto> {
    // Checked before the transaction: the role lookup may read through its own connection.
    const user = await this.target(caller, userId);
    return this.tx.run(async (tx) => {
      const revoked = await this.sessions.revokeAllForUser(userId, tx);
      await this.audit.record(
        changeEntry('user.sessions_revoked', caller, client, userTarget(user), { revoked }),
        tx.manager,
      );
      return { revoked };
    });
  }

  /** The user acted on: 404 when unknown, 403 PRIVILEGE_ESCALATION when they hold what the caller lacks. */
  private async target(caller: AuthContext, userId: number): Promise<AuthUser> {
    const user = await this.users.findAuthUser(userId);
    if (!user) throw new UserNotFoundError();
    assertCanActOn(caller.permissions, await this.rolePermissions.permissionsOf(user.roleName));
    return user;
  }
}
