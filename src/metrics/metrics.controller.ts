import { Permission } from '../common/auth/permission.js';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { RequirePermission } from '../common/auth/decorators.js';
import { IamMetrics } from './iam-metrics.js';

@ApiTags('health')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: IamMetrics) {}

  @Get()
  @RequirePermission(Permission.HealthMonitor)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'scrapeMetrics',
    summary:
      'Prometheus metrics: process, HTTP, logins, lockouts, denials, cache, sessions (health_monitor_data)',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The Prometheus text exposition format', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
