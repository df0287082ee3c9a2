import { Injectable, Optional } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuthContext, RequestWithAuth } from '../common/auth/auth-context.js';
import { clientInfoOf } from '../common/auth/client-info.js';
import { IamMetrics } from '../metrics/iam-metrics.js';
import { changeEntry } from '../audit/audit-entries.js';

/**
 * The one place where a refused request is put on record: by the
 * permissions guard (PERMISSION_DENIED, API_ACCESS_REQUIRED) and for a
 * refused privilege escalation (PRIVILEGE_ESCALATION), alike.
 */
@Injectable()
export class AccessDenials {
  constructor(
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: IamMetrics,
  ) {}

  record(request: RequestWithAuth, user: AuthContext, missing: readonly string[], code: string): void {
    this.metrics?.permissionDenied(code);
    const routePath =
      (request as { routeOptions?: { url?: string } }).routeOptions?.url ??
      String(request.url ?? '').split('?')[0];
    const route = { type: 'route', id: `${request.method} ${routePath}` };
    const details = { required: [...missing], code, via: user.kind };
    this.audit.recordDetached({
      ...changeEntry('auth.permission_denied', user, clientInfoOf(request), route, details),
      outcome: 'denied',
    });
  }
}
