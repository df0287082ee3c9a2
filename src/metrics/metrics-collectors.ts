import { Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AppCache } from '../cache/app-cache.js';
import { LayeredAppCache } from '../cache/layered-cache.js';
import { IamMetrics } from './iam-metrics.js';

/** A counter that follows a running total kept elsewhere: each scrape adds what it grew by since the last. */
function counterOf(name: string, help: string, registers: Registry[], total: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const now = total();
      this.inc(now - seen);
      seen = now;
    },
  });
}

/** The figures read at scrape time rather than counted on the request path. */
@Injectable()
export class MetricsCollectors {
  constructor(metrics: IamMetrics, cache: AppCache) {
    const registers = [metrics.registry];
    counterOf(
      'iam_cache_hits_total',
      'Reads of cached auth state (sessions, users, role permissions) answered from the cache',
      registers,
      () => cache.reads.hits,
    );
    counterOf(
      'iam_cache_misses_total',
      'Reads of cached auth state that fell through to the database (absent, expired, or the cache unreachable)',
      registers,
      () => cache.reads.misses,
    );
    new Gauge({
      name: 'iam_cache_hit_ratio',
      help: 'Share of cached auth state reads answered from the cache since the process started',
      registers,
      collect() {
        const { hits, misses } = cache.reads;
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    const layered = cache instanceof LayeredAppCache ? cache : undefined;
    new Gauge({
      name: 'iam_auth_local_layer_live',
      help: 'Whether the in-process auth layer serves reads (1), or is off or bypassed while its invalidation channel is down (0)',
      registers,
      collect() {
        this.set(layered?.localLayerLive ? 1 : 0);
      },
    });
    new Gauge({
      name: 'iam_auth_local_layer_deaf_spells',
      help: 'Times the invalidation channel of the in-process auth layer was lost since the process started',
      registers,
      collect() {
        this.set(layered?.layer.deafSpells ?? 0);
      },
    });
  }
}
