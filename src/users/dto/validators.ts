import { type ValidationOptions, ValidateBy, ValidateIf } from 'class-validator';
import { NEVER_EXPIRES } from '../api-token-status.js';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const USERNAME_RULE =
  'username must be 3-64 characters of a-z 0-9 . _ -, starting with a letter or digit';

export const API_TOKEN_TTL_MIN = 7;
export const API_TOKEN_TTL_MAX = 365;

/**
 * Optional, but not nullable: an absent property is skipped, an explicit
 * `null` is validated (and refused) like any other wrong value.
 */
export const IsOptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_object: object, value: unknown) => value !== undefined, options);

/** 7-365 days, or -1 for a token that never expires. */
export const IsApiTokenTtl = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isApiTokenTtl',
      validator: {
        validate: (value: unknown) =>
          Number.isInteger(value) &&
          ((value as number) === NEVER_EXPIRES ||
            ((value as number) >= API_TOKEN_TTL_MIN && (value as number) <= API_TOKEN_TTL_MAX)),
        defaultMessage: () =>
          `apiTokenTtlDays must be an integer from ${API_TOKEN_TTL_MIN} to ${API_TOKEN_TTL_MAX}, or ${NEVER_EXPIRES} for a token that never expires`,
      },
    },
    options,
  );

/**
 * Query strings carry text: only `true` and `false` become booleans; any
 * other value (or a repeated parameter) stays as it came so that the
 * validator refuses it.
 */
export const queryBoolean = ({ value }: { value: unknown }): unknown => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
};

/** Plain decimal digits become a number; `1e3`, `0x10`, ` 5` or an array stay as they came and are refused. */
export const queryInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
