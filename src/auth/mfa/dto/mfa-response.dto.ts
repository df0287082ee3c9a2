import { ApiProperty } from '@nestjs/swagger';

export class SetupTotpResponseDto {
  @ApiProperty({
    description: 'The TOTP secret (base32), for typing into an authenticator app; shown this once',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret: string;

  @ApiProperty({
    description: 'The same secret as an otpauth:// URI, for a QR code (SHA1, 6 digits, 30 s)',
    example:
      'otpauth://totp/champa-iam:john.doe?issuer=champa-iam&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
  })
  otpauthUri: string;
}

export class ConfirmTotpResponseDto {
  @ApiProperty({
    type: [String],
    description: 'Ten recovery codes, each good for one sign-in without the app; shown this once only',
    example: ['k7m2p-x9qrt', 'a3hwe-mz8cv'],
  })
  recoveryCodes: string[];
}

export class MfaChallengeResponseDto {
  @ApiProperty({ enum: [true], description: 'A second factor is needed: send a code to POST /login/mfa' })
  mfaRequired: true;

  @ApiProperty({ description: 'For POST /login/mfa; lives 5 minutes and works once' })
  mfaToken: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the mfaToken runs out' })
  expiresAt: string;
}
