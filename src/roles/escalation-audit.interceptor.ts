import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import type { RequestWithAuth } from '../common/auth/auth-context.js';
import { AccessDenials } from './access-denials.js';
import { PrivilegeEscalationError } from './roles.errors.js';

/**
 * A refused privilege escalation is a failed authorization attempt, like a
 * guard's denial, and goes on record the same way: the rule that refuses it
 * (escalation.ts) is pure and knows nothing of the request.
 */
@Injectable()
export class EscalationAuditInterceptor implements NestInterceptor {
  constructor(private readonly denials: AccessDenials) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((err: unknown) => {
        const request = context.switchToHttp().getRequest<RequestWithAuth>();
        if (err instanceof PrivilegeEscalationError && request.user) {
          this.denials.record(request, request.user, err.missing, err.code);
        }
        return throwError(() => err);
      }),
    );
  }
}

/**
 * On a controller whose routes can refuse an escalation. Scoped rather than
 * global, so the routes that never can (health, login, /me) skip the extra
 * observable pipeline on every request.
 */
export const AuditsEscalation = (): ClassDecorator & MethodDecorator =>
  UseInterceptors(EscalationAuditInterceptor);
