import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationFailedError } from './domain-error.js';
import { inputShapeErrors } from './input-shape.js';

// class-validator's names of the rules that check a value's type.
const TYPE_RULES = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isEnum',
  'isIn',
]);

/**
 * Each failed rule of a field, as the reader needs it: a missing field is "required" (not too short
 * and too long at once); a value of the wrong type gets its type rule only, since the length or range
 * rules beside it cannot apply to it.
 */
function messagesOf(e: ValidationError, field: string): string[] {
  const constraints = e.constraints ?? {};
  const typeRules = Object.keys(constraints).filter((rule) => TYPE_RULES.has(rule));
  if (typeRules.length === 0) return Object.values(constraints);
  if (e.value === undefined || e.value === null) return [`${field} is required`];
  return typeRules.map((rule) => constraints[rule]);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push(...messagesOf(e, field).map((message) => ({ field, message })));
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Two rules may word one failure alike (a type check and a format check): the reader gets it once. */
function distinct(details: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.field}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const PRIMITIVE_TYPES = new Set<unknown>([String, Number, Boolean, Array, Object]);

/**
 * A DTO body that is JSON null, an array, or a bare string or number is not a wrong value for each
 * field: checking it field by field answers contradictory messages. One message says what is wrong.
 * No body at all stays an empty object, for the routes whose fields are all optional.
 */
function notAnObjectBody(value: unknown, metadata: ArgumentMetadata): boolean {
  if (metadata.type !== 'body' || metadata.data !== undefined) return false;
  if (!metadata.metatype || PRIMITIVE_TYPES.has(metadata.metatype)) return false;
  if (value === undefined) return false;
  return typeof value !== 'object' || value === null || Array.isArray(value);
}

// What a pipe of this kind produced: a second one (the IAM routes' own, after the global one) lets it pass.
const validated = new WeakSet<object>();

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // What a custom parameter decorator reads (the caller, say) is not validated: no need to go further.
    if (metadata.type === 'custom' && !this.validateCustomDecorators) return value;
    if (typeof value === 'object' && value !== null && validated.has(value)) return value;
    if (notAnObjectBody(value, metadata)) {
      throw new ValidationFailedError(
        [{ field: 'body', message: 'the body must be a JSON object' }],
        'The body must be a JSON object',
      );
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const shape = inputShapeErrors(value);
      if (shape.length > 0) throw new ValidationFailedError(shape);
    }
    const out: unknown = await super.transform(value, metadata);
    // Only a new, validated instance is marked: a value passed through unchecked stays unmarked.
    if (typeof out === 'object' && out !== null && out !== value) validated.add(out);
    return out;
  }
}

/** The global pipe: unknown fields are refused, never stored; every failure lists its field. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    // The value is read by messagesOf only; no detail repeats it.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ValidationFailedError(distinct(flatten(errors))),
  });
}
