import { Controller, Get, HttpStatus, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppCache } from '../cache/app-cache.js';
import { Public } from '../common/auth/decorators.js';
import { ErrorResponseDto } from '../common/http/error-response.dto.js';
import { DependencyStateDto, LivenessDto, ReadinessDto } from './health-response.dto.js';

@ApiTags('health')
@ApiExtraModels(DependencyStateDto)
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly cache: AppCache,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness: the process is up' })
  @ApiOkResponse({ description: 'The process answers', type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ operationId: 'healthReady', summary: 'Readiness: the database and the cache answer' })
  @ApiOkResponse({ description: 'Both answer; `details` has one entry per dependency', type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    description: 'DEPENDENCY_UNAVAILABLE; `checks` says which one is down',
    type: ErrorResponseDto,
  })
  async ready(@Res({ passthrough: true }) res: unknown): Promise<HealthCheckResult | void> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.db.pingCheck('database', { timeout: 2_000 }),
        () => this.cacheCheck(),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      result = err.getResponse() as HealthCheckResult;
    }
    // Anyone may call this: the answer names each check and up/down; why one is down goes to the log only.
    const checks = this.statesOf(result.details);
    const down = Object.keys(checks).filter((k) => checks[k].status !== 'up');
    if (down.length === 0) return { status: 'ok', info: checks, error: {}, details: checks };
    for (const name of down) {
      const { status: _status, ...why } = result.details[name] ?? {};
      this.logger.warn(`readiness: ${name} is down: ${JSON.stringify(why)}`);
    }
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Retry-After', '5');
    adapter.reply(
      res,
      {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'DEPENDENCY_UNAVAILABLE',
        message: `Not ready: ${down.join(', ')} unavailable`,
        checks,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }

  private statesOf(details: HealthCheckResult['details']): Record<string, { status: 'up' | 'down' }> {
    return Object.fromEntries(
      Object.entries(details).map(([name, state]) => [
        name,
        { status: state.status === 'up' ? 'up' : 'down' },
      ]),
    );
  }

  private async cacheCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('cache');
    try {
      await this.cache.ping();
      return check.up({ store: this.cache.kind });
    } catch (err) {
      return check.down({ store: this.cache.kind, message: (err as Error).message });
    }
  }
}
