import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class DependencyStateDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({
    description: 'One entry per dependency (database, cache)',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/DependencyStateDto' },
  })
  details: Record<string, DependencyStateDto>;
}
