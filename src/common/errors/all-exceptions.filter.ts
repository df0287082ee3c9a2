import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { mapError } from './error-body.js';

/**
 * The one exception filter: whatever was thrown, the client gets the error
 * body of the contract and never a stack, SQL, hash or token.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ id?: string; method?: string; url?: string }>();
    const response = ctx.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const mapped = mapError(exception);
    if (mapped.unexpected) {
      const err = exception as Error;
      this.logger.error(
        {
          reqId: request?.id,
          method: request?.method,
          err: { name: err?.name, message: err?.message, stack: err?.stack },
        },
        'Unhandled error',
      );
    }
    if (mapped.retryAfterSeconds !== undefined) {
      adapter.setHeader(response, 'Retry-After', String(Math.max(1, Math.ceil(mapped.retryAfterSeconds))));
    }
    adapter.reply(response, mapped.body, mapped.body.statusCode);
  }
}
