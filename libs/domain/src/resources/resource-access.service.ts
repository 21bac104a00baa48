import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { PartnershipParty } from '../partnerships/partnership-party.entity';
import { Resource } from './resource.entity';
import {
  canManageResource,
  canReviewResource,
  canViewResource,
  ResourceAccessFacts,
  ResourceVisibilityFilter,
  visibilityCondition,
} from './resource-rules';

const PARTNER_ORGANIZATIONS_SQL =
  'SELECT DISTINCT other.organizationId AS organizationId FROM partnership_parties other ' +
  "INNER JOIN partnerships p ON p.id = other.partnershipId AND p.status = 'active' " +
  'INNER JOIN partnership_parties mine ON mine.partnershipId = other.partnershipId AND (mine.organizationId = ? OR mine.userId = ?)';

/**
 * The one place where resource visibility is decided (resource-rules.ts holds the pure rules). Search, collections
 * and pushes use `canView` for one item and `visibleResourceFilter` / `applyVisibility` for lists, so list, get and
 * download can never disagree.
 */
@Injectable()
export class ResourceAccessService {
  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(PartnershipParty) private readonly parties: Repository<PartnershipParty>,
  ) {}

  /**
   * Organizations sharing an active partnership with the principal's organization (either side, and person parties
   * such as a paired mentor teacher), excluding the principal's own. Not cached: suspending a partnership must
   * withdraw the access at once.
   */
  async partnerOrganizationIds(principal: Principal): Promise<string[]> {
    // Plain SQL: every search runs it, and building it with the query builder cost more than running it.
    const rows: { organizationId: string }[] = await this.parties.query(PARTNER_ORGANIZATIONS_SQL, [principal.organizationId, principal.userId]);
    return rows.map((r) => r.organizationId).filter((id) => id !== principal.organizationId).sort();
  }

  async canView(principal: Principal, resource: ResourceAccessFacts): Promise<boolean> {
    // Cheap checks first; the partnership lookup is only needed for a published partnership item of another org.
    if (canViewResource(principal, resource, [])) return true;
    if (resource.status !== 'published' || resource.visibility !== 'partnership') return false;
    return canViewResource(principal, resource, await this.partnerOrganizationIds(principal));
  }

  canManage(principal: Principal, resource: ResourceAccessFacts): boolean {
    return canManageResource(principal, resource);
  }

  canReview(principal: Principal, resource: ResourceAccessFacts): boolean {
    return canReviewResource(principal, resource);
  }

  /** The WHERE condition selecting exactly the resources `principal` may see, over the table aliased `alias`. */
  async visibleResourceFilter(principal: Principal, alias = 'r'): Promise<ResourceVisibilityFilter> {
    const partners = principal.role === 'city_admin' ? [] : await this.partnerOrganizationIds(principal);
    return visibilityCondition(principal, partners, alias);
  }

  /** Adds the visibility condition to a query builder over resources (aliased `alias`). */
  async applyVisibility<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, principal: Principal, alias = 'r'): Promise<SelectQueryBuilder<T>> {
    const f = await this.visibleResourceFilter(principal, alias);
    return qb.andWhere(f.sql, f.params);
  }

  /**
   * Loads a resource the principal may see. Unknown and invisible ids both answer RESOURCE_NOT_FOUND, so ids of
   * another school's private items cannot be probed.
   */
  async viewable(principal: Principal, id: string): Promise<Resource> {
    const resource = await this.resources.findOne({ where: { id } });
    if (!resource || !(await this.canView(principal, resource))) throw new DomainException('RESOURCE_NOT_FOUND');
    return resource;
  }

  /** Loads a resource the principal may change: 404 when invisible, 403 RESOURCE_ACCESS_DENIED when only visible. */
  async manageable(principal: Principal, id: string): Promise<Resource> {
    const resource = await this.viewable(principal, id);
    if (!canManageResource(principal, resource)) throw new DomainException('RESOURCE_ACCESS_DENIED');
    return resource;
  }
}
