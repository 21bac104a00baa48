import { Principal } from '@app/platform';
import type { ResourceStatus, ResourceVisibility } from './resource.entity';

/** The facts of a resource that the access rules read. */
export interface ResourceAccessFacts {
  organizationId: string;
  ownerCountyId: string | null;
  uploaderId: string;
  visibility: ResourceVisibility;
  status: ResourceStatus;
}

/** The city, or the coordinator of the owner's county: sees every status and reviews. */
export function supervisesResource(principal: Principal, r: Pick<ResourceAccessFacts, 'organizationId' | 'ownerCountyId'>): boolean {
  if (principal.role === 'city_admin') return true;
  if (principal.role === 'county_admin') return r.ownerCountyId === principal.organizationId || r.organizationId === principal.organizationId;
  return false;
}

/** Edit, upload content, delete: the uploader, the owner school's admin, or a supervisor. */
export function canManageResource(principal: Principal, r: ResourceAccessFacts): boolean {
  if (r.uploaderId === principal.userId) return true;
  if (principal.role === 'school_admin' && r.organizationId === principal.organizationId) return true;
  return supervisesResource(principal, r);
}

/** Review for publication beyond the school: the city, or the coordinator of the owner's county. */
export function canReviewResource(principal: Principal, r: ResourceAccessFacts): boolean {
  return supervisesResource(principal, r);
}

/** Items shared beyond the owner school go through review; school-only items publish without it. */
export function needsReview(visibility: ResourceVisibility): boolean {
  return visibility !== 'school';
}

/**
 * Who may see (get, list, download) a resource. Managers see every status. Everyone else sees published items
 * only: `city` to every signed-in user, `partnership` to the owner's organization and the organizations it shares
 * an active partnership with (`partnerOrganizationIds`), `school` to the owner's organization only.
 */
export function canViewResource(principal: Principal, r: ResourceAccessFacts, partnerOrganizationIds: readonly string[]): boolean {
  if (canManageResource(principal, r)) return true;
  if (r.status !== 'published') return false;
  switch (r.visibility) {
    case 'city':
      return true;
    case 'partnership':
      return r.organizationId === principal.organizationId || partnerOrganizationIds.includes(r.organizationId);
    case 'school':
      return r.organizationId === principal.organizationId;
    default:
      return false;
  }
}

/** A SQL condition with its named parameters, for `qb.andWhere(filter.sql, filter.params)`. */
export interface ResourceVisibilityFilter {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * canViewResource as a WHERE condition over the resources table aliased `alias` (same rules, same order).
 * Parameter names start with `rv_` so they do not clash with the caller's.
 */
export function visibilityCondition(principal: Principal, partnerOrganizationIds: readonly string[], alias = 'r'): ResourceVisibilityFilter {
  const a = alias;
  if (principal.role === 'city_admin') return { sql: '1 = 1', params: {} };
  const params: Record<string, unknown> = { rv_uid: principal.userId, rv_org: principal.organizationId, rv_published: 'published' };
  const managed: string[] = [`${a}.uploaderId = :rv_uid`];
  if (principal.role === 'school_admin') managed.push(`${a}.organizationId = :rv_org`);
  if (principal.role === 'county_admin') managed.push(`${a}.ownerCountyId = :rv_org`, `${a}.organizationId = :rv_org`);
  const shared: string[] = [`${a}.visibility = :rv_city`, `${a}.organizationId = :rv_org`];
  params.rv_city = 'city';
  const partners = partnerOrganizationIds.filter((id) => id !== principal.organizationId);
  if (partners.length) {
    shared.push(`(${a}.visibility = :rv_partnership AND ${a}.organizationId IN (:...rv_partners))`);
    params.rv_partnership = 'partnership';
    params.rv_partners = partners;
  }
  // The owner's own organization sees its published school and partnership items (the `organizationId = :rv_org`
  // branch); other organizations see city items and, when partnered, partnership items.
  return { sql: `(${managed.join(' OR ')} OR (${a}.status = :rv_published AND (${shared.join(' OR ')})))`, params };
}
