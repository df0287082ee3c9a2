import { Injectable, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Clock } from '../common/clock.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { SessionsRepository } from './sessions.repository.js';

/** Reports the live sessions to the metrics, when the application has them: metrics never reads sessions. */
@Injectable()
export class SessionsMetrics {
  constructor(sessions: SessionsRepository, clock: Clock, @Optional() metrics?: IamMetrics) {
    if (!metrics) return;
    new Gauge({
      name: 'iam_active_sessions',
      help: 'Sessions neither revoked nor expired, read from the database at scrape time',
      registers: [metrics.registry],
      async collect() {
        // An unreachable database keeps the last value: the scrape itself still answers.
        const live = await sessions.countLive(new Date(clock.now())).catch(() => undefined);
        if (live !== undefined) this.set(live);
      },
    });
  }
}
