import { ApiProperty } from '@nestjs/swagger';

export class ResetPasswordResponseDto {
  @ApiProperty({
    example: 'q7#Hk2m!Rz4p',
    description: '12 characters; shown once; the user must change it at the next login',
  })
  temporaryPassword: string;
}

export class RegenerateTokenResponseDto {
  @ApiProperty({
    description:
      'Shown once, never stored. Without a grace the previous token stops working from the next request',
  })
  apiToken: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never expires' })
  expiresAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Until when the previous token keeps working (null: no grace, it fails from the next request)',
  })
  previousTokenValidUntil: string | null;
}
