import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainException } from './domain.exception';
import { ERROR_CODES, ErrorCode } from './error-codes';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

/** The one error format of the api. Unknown exceptions become a logged 500 without a stack in the body. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const { status, code, message, details } = this.describe(exception);
    if (status >= 500) {
      this.logger.error({ err: exception, requestId: req.id, path: req.originalUrl }, 'unhandled error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorBody = { error: { code, message, ...(details !== undefined ? { details } : {}) }, requestId: String(req.id ?? '') };
    res.status(status).json(body);
  }

  describe(exception: unknown): { status: number; code: string; message: string; details?: unknown } {
    if (exception instanceof DomainException) {
      return { status: exception.status, code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof ThrottlerException) return this.fromCode('RATE_LIMITED');
    // Errors raised by body-parser / multer before a route runs carry a `type` or `code`.
    const e = exception as { type?: string; code?: string; status?: number; statusCode?: number; field?: string };
    if (e?.type === 'entity.parse.failed') return this.fromCode('MALFORMED_JSON');
    if (e?.type === 'entity.too.large') return this.fromCode('PAYLOAD_TOO_LARGE');
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return this.fromCode('UNSUPPORTED_MEDIA_TYPE');
    if (e?.code === 'LIMIT_FILE_SIZE') return this.fromCode('PAYLOAD_TOO_LARGE');
    if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) return this.fromCode('BAD_REQUEST', undefined, { reason: e.code, field: e.field });
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as { message?: unknown; code?: string } | string;
      const cause = (exception as { cause?: { type?: string } }).cause;
      if (cause?.type === 'entity.parse.failed') return this.fromCode('MALFORMED_JSON');
      if (status === HttpStatus.BAD_REQUEST && typeof response === 'object' && Array.isArray(response.message)) {
        return this.fromCode('VALIDATION_FAILED', undefined, { problems: response.message });
      }
      if (status === HttpStatus.BAD_REQUEST && /JSON/i.test(exception.message)) return this.fromCode('MALFORMED_JSON');
      // Terminus answers 503 with the state of each dependency; keep it so /health says what is down.
      if (status === HttpStatus.SERVICE_UNAVAILABLE && typeof response === 'object' && 'details' in response) {
        return this.fromCode('SERVICE_UNAVAILABLE', undefined, (response as { details: unknown }).details);
      }
      const byStatus: Partial<Record<number, ErrorCode>> = {
        400: 'BAD_REQUEST',
        401: 'AUTH_REQUIRED',
        403: 'ACCESS_DENIED',
        404: 'ROUTE_NOT_FOUND',
        409: 'CONFLICT',
        413: 'PAYLOAD_TOO_LARGE',
        415: 'UNSUPPORTED_MEDIA_TYPE',
        416: 'RANGE_NOT_SATISFIABLE',
        429: 'RATE_LIMITED',
        503: 'SERVICE_UNAVAILABLE',
      };
      const code = byStatus[status];
      if (code) return { status, code, message: ERROR_CODES[code].message };
      return { status, code: `HTTP_${status}`, message: exception.message };
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      return { status: e.status, code: 'BAD_REQUEST', message: ERROR_CODES.BAD_REQUEST.message };
    }
    return this.fromCode('INTERNAL_ERROR');
  }

  private fromCode(code: ErrorCode, message?: string, details?: unknown) {
    return { status: ERROR_CODES[code].status as number, code, message: message ?? ERROR_CODES[code].message, details };
  }
}
