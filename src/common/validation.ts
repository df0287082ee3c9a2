import { type ValidationOptions, ValidateBy, ValidateIf } from 'class-validator';

/**
 * Like @IsOptional, but only an absent property is skipped: an explicit `null` is validated (and refused)
 * like any other wrong value, never read as "leave it unchanged".
 */
export const IsOptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_object: object, value: unknown) => value !== undefined, options);

/**
 * Query strings carry text: only `true` and `false` become booleans; any other value (or a repeated
 * parameter) stays as it came so that the validator refuses it.
 */
export const queryBoolean = ({ value }: { value: unknown }): unknown => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
};

/** Plain decimal digits become a number; `1e3`, `0x10`, ` 5` or an array stay as they came and are refused. */
export const queryInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

/** Refuses any value for a field that never changes, with `message` rather than "property … should not exist". */
export const Immutable = (message: string) =>
  ValidateBy({
    name: 'immutable',
    validator: { validate: (value: unknown) => value === undefined, defaultMessage: () => message },
  });
