import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuditEntryInput } from '../audit/audit.types.js';
import { type Tx, TransactionRunner } from '../database/transaction.js';
import { assertCanActOn } from '../roles/escalation.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { type Actor, userAuditEntry } from './actor.js';
import type { UserRecord } from './user-record.js';
import { UsersRepository } from './users.repository.js';

/** What a change to one user did: the audit entry to record, and what the caller gets back. */
export interface UserChangeOutcome<T> {
  /** None when nothing changed: then nothing is recorded and nothing evicted. */
  entry: { action: AuditEntryInput['action']; details: Record<string, unknown> } | null;
  value: T;
}

/**
 * The frame of every change an administrator makes to an existing user: the
 * user's row locked for the transaction, the actor's reach checked against
 * it, the audit entry committed with the change, and the user's cached auth
 * state evicted once it has committed (never before, so no reader can
 * re-cache the old row).
 */
@Injectable()
export class UserChangeRunner {
  constructor(
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  /** `change` sees the user as locked, before the change; the entry names that user. */
  apply<T>(
    actor: Actor,
    id: number,
    change: (user: UserRecord, tx: Tx) => Promise<UserChangeOutcome<T>>,
  ): Promise<T> {
    return this.tx.run(async (tx) => {
      const user = await this.users.lockedUser(id, tx.manager);
      assertCanActOn(actor.auth.permissions, user.rolePermissions);
      const { entry, value } = await change(user, tx);
      if (entry) {
        await this.audit.record(userAuditEntry(entry.action, actor, user, entry.details), tx.manager);
        tx.afterCommit(() => this.sessions.evictUser(id));
      }
      return value;
    });
  }
}
