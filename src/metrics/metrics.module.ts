import { Global, Logger, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { attachHttpMetrics } from './http-metrics.js';
import { IamMetrics } from './iam-metrics.js';
import { MetricsCollectors } from './metrics-collectors.js';
import { MetricsController } from './metrics.controller.js';

const HTTP_METRICS = Symbol('HTTP_METRICS');

/**
 * The application's metrics. Global, so that the login path, the brute-force
 * protection and the permissions guard find IamMetrics (optionally) without
 * depending on this module.
 */
@Global()
@Module({
  providers: [
    IamMetrics,
    MetricsCollectors,
    {
      // Runs while the application is created, before its routes exist: see attachHttpMetrics.
      provide: HTTP_METRICS,
      inject: [HttpAdapterHost, IamMetrics],
      useFactory: (host: HttpAdapterHost, metrics: IamMetrics) => {
        const attached = attachHttpMetrics(host.httpAdapter, metrics);
        if (!attached) {
          new Logger('Metrics').warn(
            'No HTTP adapter while the application was created: HTTP requests are not counted',
          );
        }
        return attached;
      },
    },
  ],
  exports: [IamMetrics],
})
export class MetricsModule {}

/** GET /metrics (the path is set where IamModule mounts it). */
@Module({ controllers: [MetricsController] })
export class MetricsHttpModule {}
