import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiConsumes, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { UnsupportedMediaTypeError } from '../errors/domain-error.js';
import { ErrorResponseDto } from './error-response.dto.js';

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The framework also parses form-encoded and plain-text bodies. A route the contract documents with a
 * JSON body only refuses the others, so that a cross-site form post can never reach it.
 */
@Injectable()
class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers;
    const type = headers['content-type'];
    if (typeof type === 'string' && JSON_MEDIA_TYPE.test(type.trim())) return true;
    throw new UnsupportedMediaTypeError();
  }
}

/** Takes an `application/json` body only (415 UNSUPPORTED_MEDIA_TYPE otherwise). */
export const JsonBodyOnly = () =>
  applyDecorators(
    UseGuards(JsonBodyGuard),
    ApiConsumes('application/json'),
    ApiUnsupportedMediaTypeResponse({
      description: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json',
      type: ErrorResponseDto,
    }),
  );
