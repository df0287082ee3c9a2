import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateIf,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as-is so IsBoolean names the variable
};
const toInt = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return /^-?\d+$/.test(String(value).trim()) ? Number(value) : value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the service reads. A bad value stops the boot
 * with a message naming the variable; `.env.example` documents each one.
 */
export class EnvSchema {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8088;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  DATABASE_SSL = false;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, {
    message: 'REDIS_KEY_PREFIX may hold letters, digits and : _ . - (64 at most)',
  })
  REDIS_KEY_PREFIX = 'champa-iam:';

  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @ValidateIf((env: EnvSchema) => !!env.DATABASE_URL || env.JWT_SECRET !== undefined)
  @IsString({ message: 'JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @ValidateIf((env: EnvSchema) => !!env.DATABASE_URL || env.AUDIT_HMAC_KEY !== undefined)
  @IsString({ message: 'AUDIT_HMAC_KEY is required when DATABASE_URL is set (at least 32 characters)' })
  @MinLength(32, { message: 'AUDIT_HMAC_KEY must be at least 32 characters' })
  AUDIT_HMAC_KEY?: string;

  @ValidateIf((env: EnvSchema) => !!env.DATABASE_URL || env.MFA_ENCRYPTION_KEY !== undefined)
  @IsString({ message: 'MFA_ENCRYPTION_KEY is required when DATABASE_URL is set (at least 32 characters)' })
  @MinLength(32, { message: 'MFA_ENCRYPTION_KEY must be at least 32 characters' })
  MFA_ENCRYPTION_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  JWT_ISSUER = 'champa-iam';

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  JWT_AUDIENCE = 'champa-iam';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  SESSION_TTL_SECONDS = 24 * 3600;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(365 * 24 * 3600)
  REMEMBER_ME_TTL_SECONDS = 30 * 24 * 3600;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTH_CACHE_TTL_SECONDS = 300;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  AUTH_LOCAL_CACHE_TTL_MS = 5_000;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'ADMIN_USERNAME must be 3-64 of a-z 0-9 . _ - starting with a letter or digit',
  })
  ADMIN_USERNAME = 'admin';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'ADMIN_EMAIL must be an e-mail address' })
  ADMIN_EMAIL = 'admin@localhost.localdomain';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY = false;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SWAGGER_ENABLED = true;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  ADMIN_CONSOLE_ENABLED = true;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOCKOUT_THRESHOLD_PER_ADDRESS = 5;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOCKOUT_THRESHOLD_PER_USER = 20;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOCKOUT_BASE_SECONDS = 30;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  LOCKOUT_MAX_SECONDS = 900;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_MINUTE = 1200;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_LOGIN_PER_MINUTE = 30;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  DEACTIVATION_ENDS_SESSIONS = true;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(19456)
  @Max(4 * 1024 * 1024)
  ARGON2_MEMORY_KIB = 19456;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(20)
  ARGON2_TIME_COST = 2;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  ARGON2_PARALLELISM = 1;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100 * 365)
  AUDIT_RETENTION_DAYS = 0;
}

/** Used by ConfigModule: returns the typed, defaulted env or throws naming each bad variable. */
export function validateEnv(raw: Record<string, unknown>): EnvSchema {
  const env = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const msgs = Object.values(e.constraints ?? {});
      return `  ${e.property}: ${msgs.join('; ')}`;
    });
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}
