import { type ValidationOptions, ValidateBy } from 'class-validator';
import { NEVER_EXPIRES } from '../api-token-status.js';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const USERNAME_RULE =
  'username must be 3-64 characters of a-z 0-9 . _ -, starting with a letter or digit';

export const API_TOKEN_TTL_MIN = 7;
export const API_TOKEN_TTL_MAX = 365;

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
