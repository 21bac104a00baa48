import { CanActivate, ExecutionContext, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainException } from '../errors/domain.exception';
import { ACCESS_RULE, AccessRule, IS_PUBLIC } from './access.decorator';
import { AccessTokenVerifier } from './access-token.verifier';
import { Principal } from './roles';
import { isWithinScope, ScopeTargetLoader } from './scope.policy';

/**
 * The one guard of the api: authenticates the bearer token, then applies the route's `@Access` rule.
 * Fails closed: a route with neither `@Public()` nor `@Access(...)` is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
    @Optional() private readonly scopeLoader?: ScopeTargetLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // websocket gateways authenticate their own handshake
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = await this.authenticate(request);
    request.user = principal;

    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, targets);
    if (!rule) {
      this.logger.error(`Route ${request.method} ${request.route?.path ?? request.url} has no @Access rule; refused`);
      throw new DomainException('ACCESS_DENIED');
    }
    if (rule.roles !== 'any' && !rule.roles.includes(principal.role)) throw new DomainException('ACCESS_DENIED');
    if (rule.scope) await this.checkScope(principal, request, rule);
    return true;
  }

  /** Verifies a bearer access token and turns its claims into a Principal. */
  async authenticate(request: Request): Promise<Principal> {
    const header = request.headers.authorization;
    if (!header) throw new DomainException('AUTH_REQUIRED');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new DomainException('AUTH_TOKEN_INVALID');
    return this.verifyAccessToken(token);
  }

  /** Verification lives in AccessTokenVerifier so the socket.io gateways share it. */
  verifyAccessToken(token: string): Promise<Principal> {
    return this.tokens.verify(token);
  }

  private async checkScope(principal: Principal, request: Request, rule: AccessRule): Promise<void> {
    const source = rule.scope!;
    const container = (source.in === 'param' ? request.params : source.in === 'query' ? request.query : request.body) as
      | Record<string, unknown>
      | undefined;
    const organizationId = container?.[source.key];
    // A missing target is a validation matter for the DTO; only city admins may act without one.
    if (organizationId === undefined || organizationId === null || organizationId === '') {
      if (principal.role === 'city_admin') return;
      throw new DomainException('OUT_OF_SCOPE');
    }
    if (typeof organizationId !== 'string') throw new DomainException('VALIDATION_FAILED', undefined, { field: source.key });
    if (!this.scopeLoader) throw new Error('No ScopeTargetLoader is provided; the organizations module must be imported');
    const target = await this.scopeLoader.load(organizationId);
    if (!target) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const extra = principal.role === 'city_admin' || principal.role === 'county_admin' ? [] : await this.scopeLoader.extraOrganizationIds(principal);
    if (!isWithinScope(principal, target, extra)) throw new DomainException('OUT_OF_SCOPE');
  }
}
