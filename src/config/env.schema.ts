import { applyDecorators } from '@nestjs/common';
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

// Applied last to first, as the same decorators stacked on a property would be.
const stacked = (...decorators: PropertyDecorator[]) => applyDecorators(...[...decorators].reverse());

/** An optional whole number from `min` to `max`. */
const OptionalInt = (min: number, max: number) =>
  stacked(IsOptional(), Transform(toInt), IsInt(), Min(min), Max(max));

/** An optional true or false, also written 1/0, yes/no or on/off. */
const OptionalBool = () => stacked(IsOptional(), Transform(toBool), IsBoolean());

/** An optional text of `min` to `max` characters. */
const OptionalText = (min: number, max: number) =>
  stacked(IsOptional(), IsString(), MinLength(min), MaxLength(max));

/**
 * Every environment variable the service reads. A bad value stops the boot
 * with a message naming the variable; `.env.example` documents each one.
 */
export class EnvSchema {
  @OptionalInt(0, 65535)
  PORT = 8088;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @OptionalInt(1, 200)
  DATABASE_POOL_SIZE = 10;

  @OptionalBool()
  DATABASE_SSL = false;

  @OptionalBool()
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

  @OptionalText(1, 200)
  JWT_ISSUER = 'champa-iam';

  @OptionalText(1, 200)
  JWT_AUDIENCE = 'champa-iam';

  @OptionalInt(60, 7 * 24 * 3600)
  SESSION_TTL_SECONDS = 24 * 3600;

  @OptionalInt(60, 365 * 24 * 3600)
  REMEMBER_ME_TTL_SECONDS = 30 * 24 * 3600;

  @OptionalInt(1, 3600)
  AUTH_CACHE_TTL_SECONDS = 300;

  @OptionalInt(0, 60_000)
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

  @OptionalBool()
  LOG_PRETTY = false;

  @OptionalBool()
  TRUST_PROXY = false;

  @OptionalInt(1024, 100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @OptionalBool()
  SWAGGER_ENABLED = true;

  @OptionalBool()
  ADMIN_CONSOLE_ENABLED = true;

  @OptionalInt(1, 1000)
  LOCKOUT_THRESHOLD_PER_ADDRESS = 5;

  @OptionalInt(1, 10000)
  LOCKOUT_THRESHOLD_PER_USER = 20;

  @OptionalInt(1, 86400)
  LOCKOUT_BASE_SECONDS = 30;

  @OptionalInt(1, 7 * 86400)
  LOCKOUT_MAX_SECONDS = 900;

  @OptionalInt(1, 10_000_000)
  RATE_LIMIT_PER_MINUTE = 1200;

  @OptionalInt(1, 10_000_000)
  RATE_LIMIT_LOGIN_PER_MINUTE = 30;

  @OptionalBool()
  DEACTIVATION_ENDS_SESSIONS = true;

  @OptionalInt(19456, 4 * 1024 * 1024)
  ARGON2_MEMORY_KIB = 19456;

  @OptionalInt(2, 20)
  ARGON2_TIME_COST = 2;

  @OptionalInt(1, 16)
  ARGON2_PARALLELISM = 1;

  @OptionalInt(0, 100 * 365)
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
