import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto.js';

const STATUS = {
  badRequest: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  notFound: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  tooManyRequests: HttpStatus.TOO_MANY_REQUESTS,
} as const;

/** A route's error answers by status, each described by the codes it may carry. */
export type ErrorResponses = Partial<Record<keyof typeof STATUS, string>>;

/** Documents a route's error answers in one place; every error body is an ErrorResponseDto. */
export const ApiErrors = (errors: ErrorResponses) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: STATUS[status as keyof typeof STATUS], type: ErrorResponseDto, description }),
    ),
  );
