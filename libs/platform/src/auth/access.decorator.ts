import { SetMetadata, applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Principal, Role } from './roles';

export const IS_PUBLIC = 'xz:isPublic';
export const ACCESS_RULE = 'xz:accessRule';

/** Where the guard finds the organization a request is about. */
export interface ScopeSource {
  in: 'param' | 'query' | 'body';
  key: string;
}

export interface AccessRule {
  roles: readonly Role[] | 'any';
  scope?: ScopeSource;
}

/** Marks a route that needs no sign-in (login, health, signed storage URLs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * "Role R within scope S": the roles allowed, and optionally where the target organization id is read from
 * (it must then be inside the principal's scope, see scope.policy.ts). Every non-public route carries one.
 */
export function Access(roles: readonly Role[] | 'any', scope?: ScopeSource) {
  return applyDecorators(
    SetMetadata(ACCESS_RULE, { roles, scope } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'AUTH_REQUIRED / AUTH_TOKEN_INVALID' }),
    ApiForbiddenResponse({ description: 'ACCESS_DENIED / OUT_OF_SCOPE' }),
  );
}

/** The signed-in principal of the request. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
