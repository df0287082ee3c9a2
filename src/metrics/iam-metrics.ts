import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type LoginOutcome = 'success' | 'unknown_user' | 'wrong_password' | 'locked' | 'inactive' | 'api_user';

// Process metrics describe the process, not an app: one set, however many apps it runs.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The counters of one application, in a registry of its own (never the
 * global one, so that several apps in one process, or a host's own metrics,
 * never collide). Injected as optional: the modules work without it.
 */
@Injectable()
export class IamMetrics {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to answering it, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly logins = new Counter({
    name: 'iam_logins_total',
    help: 'Interactive login attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly lockouts = new Counter({
    name: 'iam_lockouts_total',
    help: 'Brute-force locks set, by scope (address: one username from one address; user: every address)',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  private readonly denials = new Counter({
    name: 'iam_permission_denials_total',
    help: 'Requests refused by the permissions guard, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  // One child per label set, created on first use: a request then costs a map lookup and two observes.
  private readonly httpChildren = new Map<
    string,
    { count: Counter.Internal; duration: Histogram.Internal<'method' | 'route' | 'status'> }
  >();

  constructor() {
    for (const outcome of ['success', 'unknown_user', 'wrong_password', 'locked', 'inactive', 'api_user']) {
      this.logins.inc({ outcome }, 0);
    }
    for (const scope of ['address', 'user']) this.lockouts.inc({ scope }, 0);
    for (const code of ['PERMISSION_DENIED', 'API_ACCESS_REQUIRED']) this.denials.inc({ code }, 0);
  }

  observeHttp(rawMethod: string, route: string, status: number, seconds: number): void {
    // Bounded label values: any other method (a client may send anything) counts as OTHER.
    const method = HTTP_METHODS.has(rawMethod) ? rawMethod : 'OTHER';
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = {
        count: this.httpRequests.labels(labels),
        duration: this.httpDuration.labels(labels),
      };
      this.httpChildren.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }

  login(outcome: LoginOutcome): void {
    this.logins.inc({ outcome });
  }

  lockout(scope: 'address' | 'user'): void {
    this.lockouts.inc({ scope });
  }

  permissionDenied(code: string): void {
    this.denials.inc({ code });
  }

  /** The Prometheus text of this app and of the process. */
  async render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
