import { IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { createValidationPipe } from './validation.js';
import { ValidationFailedError } from './domain-error.js';

class NameDto {
  @IsString()
  name!: string;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();

  it('hands a custom decorator’s value on as it is, whatever it holds', async () => {
    const caller = Object.freeze({ userId: 1, unknownField: true });
    expect(await pipe.transform(caller, { type: 'custom', metatype: NameDto })).toBe(caller);
  });

  it('still validates a body: unknown fields and wrong types are refused', async () => {
    const ok = await pipe.transform({ name: 'a' }, { type: 'body', metatype: NameDto });
    expect(ok).toBeInstanceOf(NameDto);
    await expect(pipe.transform({ name: 1 }, { type: 'body', metatype: NameDto })).rejects.toBeInstanceOf(
      ValidationFailedError,
    );
    await expect(
      pipe.transform({ name: 'a', extra: 1 }, { type: 'body', metatype: NameDto }),
    ).rejects.toBeInstanceOf(ValidationFailedError);
  });
});
