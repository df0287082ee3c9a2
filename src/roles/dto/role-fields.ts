import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PERMISSION_NAME } from '../permissions.js';

export const ROLE_NAME = /^[a-z][a-z0-9_]{1,62}$/;
/** Some visible character and no control character (PostgreSQL refuses NUL in text outright). */
const DISPLAY_NAME = /^(?=.*\S)[^\p{Cc}]+$/u;
/** Line breaks and tabs are fine in a description; other control characters are not. */
const DESCRIPTION = /^(?:[\t\n\r]|[^\p{Cc}])*$/u;
// Far above any real catalog; bounds the work a single request can ask for.
const MAX_PERMISSIONS = 500;

export const IsRoleName = () =>
  applyDecorators(IsString(), Matches(ROLE_NAME, { message: `name must match ${ROLE_NAME.source}` }));

export const IsDisplayName = () =>
  applyDecorators(
    IsString(),
    Length(1, 100),
    Matches(DISPLAY_NAME, { message: 'displayName must not be blank or hold control characters' }),
  );

export const IsDescription = () =>
  applyDecorators(
    IsString(),
    MaxLength(500),
    Matches(DESCRIPTION, {
      message: 'description must not hold control characters other than line breaks and tabs',
    }),
  );

/** At least one well-formed name, no duplicates; whether each is known is the catalog's call. */
export const IsPermissionList = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_PERMISSIONS),
    ArrayUnique({ message: 'permissions must not contain duplicates' }),
    IsString({ each: true }),
    Matches(PERMISSION_NAME, { each: true, message: `each permission must match ${PERMISSION_NAME.source}` }),
  );
