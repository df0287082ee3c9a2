import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { HttpStats } from './http-stats.js';

export type LoginOutcome =
  'success' | 'unknown_user' | 'wrong_password' | 'wrong_mfa_code' | 'locked' | 'inactive' | 'api_user';

const HELP = {
  iam_logins_total: 'Interactive login attempts by outcome',
  iam_lockouts_total:
    'Brute-force locks set, by scope (address: one username from one address; user: every address)',
  iam_permission_denials_total:
    'Requests refused for a missing permission or API access, or as a privilege escalation, by error code',
  iam_api_token_grace_requests_total:
    'Requests authenticated with an API token in its grace (replaced by a regeneration, not yet ended)',
};

// Process metrics describe the process, not an app: one set, however many apps it runs.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The counters of one application, in a registry of its own (never the
 * global one, so that several apps in one process, or a host's own metrics,
 * never collide). Injected as optional: the modules work without it.
 */
@Injectable()
export class IamMetrics {
  readonly registry = new Registry();

  private readonly http = new HttpStats();

  private readonly logins = this.counter('iam_logins_total', 'outcome');

  private readonly lockouts = this.counter('iam_lockouts_total', 'scope');

  private readonly denials = this.counter('iam_permission_denials_total', 'code');

  private readonly graceRequests = this.counter('iam_api_token_grace_requests_total');

  constructor() {
    this.http.register(this.registry);
    for (const outcome of [
      'success',
      'unknown_user',
      'wrong_password',
      'wrong_mfa_code',
      'locked',
      'inactive',
      'api_user',
    ]) {
      this.logins.inc({ outcome }, 0);
    }
    for (const scope of ['address', 'user']) this.lockouts.inc({ scope }, 0);
    for (const code of ['PERMISSION_DENIED', 'API_ACCESS_REQUIRED', 'PRIVILEGE_ESCALATION'])
      this.denials.inc({ code }, 0);
  }

  /** Called once per answered request: no allocation once the request's series exists. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(method, route, status, seconds);
  }

  login(outcome: LoginOutcome): void {
    this.logins.inc({ outcome });
  }

  lockout(scope: 'address' | 'user'): void {
    this.lockouts.inc({ scope });
  }

  graceTokenRequest(): void {
    this.graceRequests.inc();
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

  /** A counter of this app's registry, with one label or none. */
  private counter<L extends string>(name: keyof typeof HELP, label?: L): Counter<L> {
    return new Counter({
      name,
      help: HELP[name],
      labelNames: label ? [label] : [],
      registers: [this.registry],
    });
  }
}
