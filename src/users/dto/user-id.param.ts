import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { queryInteger } from '../../common/validation.js';

const MAX_ID = 2_147_483_647;

/** `:id` of the user routes: a positive 32-bit integer, so a bad id is a 400 and never reaches SQL. */
export class UserIdParam {
  @ApiProperty({ type: Number, minimum: 1, maximum: MAX_ID, example: 42 })
  @Transform(queryInteger)
  @ValidateBy({
    name: 'isUserId',
    validator: {
      validate: (value: unknown) =>
        Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ID,
      defaultMessage: () => 'id must be a positive integer',
    },
  })
  id: number;
}
