import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationFailedError } from './domain-error.js';
import { inputShapeErrors } from './input-shape.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

// What a pipe of this kind produced: a second one (the IAM routes' own, after the global one) lets it pass.
const validated = new WeakSet<object>();

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (typeof value === 'object' && value !== null && validated.has(value)) return value;
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
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
