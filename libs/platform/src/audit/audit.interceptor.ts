import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Observable, mergeMap } from 'rxjs';
import { Principal } from '../auth/roles';
import { AuditEntry } from './audit-entry.entity';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes whose writes are not record changes (token exchange, signed storage transfers). */
export const SKIP_AUDIT = 'xz:skipAudit';

/**
 * Records an audit entry for every successful write through the api. The target is the record the route
 * names (`:id`) or, for a create, the id in the response body. Failing to audit is logged, never surfaced.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: Principal; id?: string }>();
    if (!WRITE_METHODS.has(request.method)) return next.handle();
    if (Reflect.getMetadata(SKIP_AUDIT, context.getHandler())) return next.handle();
    const controller = context.getClass().name.replace(/Controller$/, '');
    const action = `${controller.charAt(0).toLowerCase()}${controller.slice(1)}.${context.getHandler().name}`;
    return next.handle().pipe(
      mergeMap(async (body) => {
        const response = context.switchToHttp().getResponse<Response>();
        const routeId = (request.params as Record<string, string | string[] | undefined> | undefined)?.id;
        const paramId = Array.isArray(routeId) ? routeId.join('/') : routeId;
        const bodyId = body && typeof body === 'object' && 'id' in body ? String((body as { id: unknown }).id) : null;
        const entry = this.dataSource.getRepository(AuditEntry).create({
          actorId: request.user?.userId ?? null,
          actorUsername: request.user?.username ?? null,
          action,
          method: request.method,
          path: request.originalUrl.slice(0, 300),
          targetType: controller.toLowerCase().slice(0, 60),
          targetId: (paramId ?? bodyId ?? null)?.slice(0, 64) ?? null,
          status: response.statusCode,
          requestId: request.id ? String(request.id).slice(0, 64) : null,
          ip: request.ip?.slice(0, 64) ?? null,
        });
        // Awaited so the entry exists when the client sees the response (and is not lost at shutdown).
        await this.dataSource
          .getRepository(AuditEntry)
          .insert(entry)
          .catch((err) => this.logger.error({ err }, 'audit write failed'));
        return body;
      }),
    );
  }
}
