import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** No foreign key to users: an entry outlives the accounts it names. */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  /** bigint arrives from pg as a string; kept as one to stay exact. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ name: 'actor_username', type: 'varchar', length: 128, nullable: true })
  actorUsername: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 128, nullable: true })
  targetId: string | null;

  @Column({ name: 'target_label', type: 'varchar', length: 256, nullable: true })
  targetLabel: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details: Record<string, unknown>;

  /** sha256 hex of the previous entry's `hash` (64 zeros for the first). */
  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  /** sha256 hex over prev_hash and this entry's canonical content. */
  @Column({ type: 'char', length: 64 })
  hash: string;
}
