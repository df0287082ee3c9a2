import { ApiProperty } from '@nestjs/swagger';

export class PermissionResponseDto {
  @ApiProperty({ example: 'portfolio_data' })
  name: string;

  @ApiProperty({ example: 'Process portfolio' })
  description: string;

  @ApiProperty({ enum: ['administrative', 'feature'] })
  category: 'administrative' | 'feature';
}
