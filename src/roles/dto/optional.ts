import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional, but only an absent property is skipped: an explicit null
 * is validated (and refused), never read as "leave it unchanged".
 */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);
