import { ApiProperty } from '@nestjs/swagger';

export class RoleResponseDto {
  @ApiProperty({ example: 'process_analyst' })
  name: string;

  @ApiProperty({ example: 'Process Analyst' })
  displayName: string;

  @ApiProperty({ example: 'Analyses processes' })
  description: string;

  @ApiProperty({ type: [String], example: ['portfolio_data', 'journey_analysis_data'] })
  permissions: string[];

  @ApiProperty({
    description: 'Users of this role must sign in with a second factor (TOTP); without one, they enrol first',
    example: false,
  })
  requireMfa: boolean;

  @ApiProperty({ description: 'System roles are never deleted and keep their permissions' })
  isSystem: boolean;

  @ApiProperty({ description: 'Users assigned to this role, active or not', example: 3 })
  userCount: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({
    type: [String],
    description:
      'Separation-of-duty conflicts (user administration with operational access), and how many API users ' +
      'hold the role while it lacks api_access (their tokens are refused); never blocking',
  })
  warnings: string[];
}
