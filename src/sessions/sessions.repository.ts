import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { SessionEntity } from './session.entity.js';

export interface NewSession {
  id: string;
  userId: number;
  expiresAt: Date;
  rememberMe: boolean;
  ip: string | null;
  userAgent: string | null;
}

/** The only place that queries sessions. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>) {}

  private r(manager?: EntityManager): Repository<SessionEntity> {
    return manager ? manager.getRepository(SessionEntity) : this.repo;
  }

  /** A login's session, opened in the login's transaction, seen now. */
  async insert(session: NewSession, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO sessions (id, user_id, expires_at, remember_me, ip, user_agent, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [session.id, session.userId, session.expiresAt, session.rememberMe, session.ip, session.userAgent],
    );
  }

  findById(id: string, manager?: EntityManager): Promise<SessionEntity | null> {
    return this.r(manager).findOneBy({ id });
  }

  /** Sessions of a user live at `now` (the service's clock), newest first. */
  findLive(userId: number, now: Date, manager?: EntityManager): Promise<SessionEntity[]> {
    return this.r(manager).find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }

  /** Revokes one session of a user; false when it was not live or not theirs. */
  async revoke(id: string, userId: number, manager?: EntityManager): Promise<boolean> {
    const res = await this.r(manager)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND user_id = :userId AND revoked_at IS NULL', { id, userId })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  /** Revokes every live session of a user (but `exceptId`) and returns their ids. */
  async revokeAllForUser(userId: number, manager?: EntityManager, exceptId?: string): Promise<string[]> {
    const qb = this.r(manager)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (exceptId) qb.andWhere('id <> :exceptId', { exceptId });
    const res = await qb.returning(['id']).execute();
    return (res.raw as { id: string }[]).map((r) => r.id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastSeenAt: at });
  }

  /** Sessions live at `now` (the service's clock). */
  countLive(now: Date): Promise<number> {
    return this.repo.count({ where: { revokedAt: IsNull(), expiresAt: MoreThan(now) } });
  }
}
