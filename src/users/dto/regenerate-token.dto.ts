import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation.js';
import { GRACE_HOURS_MAX } from '../token-grace.js';

export class RegenerateTokenDto {
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: GRACE_HOURS_MAX,
    default: 0,
    example: 24,
    description:
      `0-${GRACE_HOURS_MAX} hours (an integer) during which the previous token keeps working beside the new ` +
      'one, so the systems that use it can be moved first. 0: the previous token fails from the next request.',
  })
  @IsOptionalNotNull()
  @ValidateBy({
    name: 'isGraceHours',
    validator: {
      validate: (value: unknown) =>
        Number.isInteger(value) && (value as number) >= 0 && (value as number) <= GRACE_HOURS_MAX,
      defaultMessage: () => `graceHours must be an integer from 0 to ${GRACE_HOURS_MAX}`,
    },
  })
  graceHours?: number;
}
