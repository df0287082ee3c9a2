import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS } from '../errors/error-codes.js';

export class FieldErrorDto {
  @ApiProperty({ example: 'username' })
  field: string;

  @ApiProperty({ example: 'username must match /^[a-z0-9][a-z0-9._-]{2,63}$/' })
  message: string;
}

/** The error body of every failed request. */
export class ErrorResponseDto {
  @ApiProperty({ example: 409 })
  statusCode: number;

  @ApiProperty({ example: 'Conflict' })
  error: string;

  @ApiProperty({ enum: Object.keys(ERROR_STATUS), example: 'ROLE_IN_USE' })
  code: string;

  @ApiProperty({ example: 'Cannot delete role. 2 user(s) are assigned to this role' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  details?: FieldErrorDto[];
}
