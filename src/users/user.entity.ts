import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** argon2id PHC string; null for API users, who cannot log in. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'role_name', type: 'varchar', length: 63 })
  roleName: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'is_api_user', type: 'boolean', default: false })
  isApiUser: boolean;

  /** 7-365, or -1 for a token that never expires; null for regular users. */
  @Column({ name: 'api_token_ttl_days', type: 'integer', nullable: true })
  apiTokenTtlDays: number | null;

  /** The `jti` of the one API token that is valid now; the token itself is never stored. */
  @Column({ name: 'api_token_id', type: 'uuid', nullable: true })
  apiTokenId: string | null;

  @Column({ name: 'api_token_expires_at', type: 'timestamptz', nullable: true })
  apiTokenExpiresAt: Date | null;

  @Column({ name: 'api_token_issued_at', type: 'timestamptz', nullable: true })
  apiTokenIssuedAt: Date | null;

  /** Written at most once a minute per token, off the request path. */
  @Column({ name: 'api_token_last_used_at', type: 'timestamptz', nullable: true })
  apiTokenLastUsedAt: Date | null;

  /** The `jti` of the token a regeneration with a grace replaced; it works until previousTokenValidUntil. */
  @Column({ name: 'previous_api_token_id', type: 'uuid', nullable: true })
  previousApiTokenId: string | null;

  @Column({ name: 'previous_token_valid_until', type: 'timestamptz', nullable: true })
  previousTokenValidUntil: Date | null;

  @Column({ name: 'previous_token_last_used_at', type: 'timestamptz', nullable: true })
  previousTokenLastUsedAt: Date | null;

  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword: boolean;

  /** A confirmed second factor (TOTP); its secret lives encrypted in user_mfa. */
  @Column({ name: 'mfa_enabled', type: 'boolean', default: false })
  mfaEnabled: boolean;

  /** Failed logins since the last success. */
  @Column({ name: 'failed_login_count', type: 'integer', default: 0 })
  failedLoginCount: number;

  @Column({ name: 'last_failed_login_at', type: 'timestamptz', nullable: true })
  lastFailedLoginAt: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
