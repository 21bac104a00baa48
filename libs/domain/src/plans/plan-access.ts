import { Injectable, Optional } from '@nestjs/common';
import { DomainException, isWithinScope, Principal, ScopeGrants, ScopeTarget } from '@app/platform';
import { OrganizationScopeLoader } from '../organizations/organization-scope.loader';

/**
 * What a principal may do with a school's plan (item 9):
 * - read: the city; the county coordinator of the school's county; the school's own admins and teachers; the
 *   mentors of an active partnership whose member side includes the school (through ScopeGrants).
 * - comment: everyone who reads, except teachers (a progress update of kind `comment`, no status change).
 * - edit: the city, the county coordinator, the school's own admin (plan, measures, progress, evidence).
 * - supervise: the city and the county coordinator (sign-off or rejection of a close request, archiving a plan).
 */
export type PlanCapability = 'read' | 'comment' | 'edit' | 'supervise';

export function planCapabilities(principal: Principal, school: ScopeTarget, grantedOrganizationIds: readonly string[] = []): Set<PlanCapability> {
  const caps = new Set<PlanCapability>();
  switch (principal.role) {
    case 'city_admin':
    case 'county_admin':
      if (isWithinScope(principal, school)) caps.add('read').add('comment').add('edit').add('supervise');
      break;
    case 'school_admin':
      if (school.id === principal.organizationId) caps.add('read').add('comment').add('edit');
      break;
    case 'teacher':
      if (school.id === principal.organizationId) caps.add('read');
      break;
    case 'mentor':
      if (grantedOrganizationIds.includes(school.id)) caps.add('read').add('comment');
      break;
  }
  return caps;
}

/** Which schools' plans a principal can list. */
export type PlanScope = { kind: 'all' } | { kind: 'county'; countyId: string } | { kind: 'schools'; schoolIds: string[] };

const DENIALS: Record<PlanCapability, { code: 'OUT_OF_SCOPE' | 'ACCESS_DENIED'; message: string }> = {
  read: { code: 'OUT_OF_SCOPE', message: '该学校的“一校一策”规划不在您的查看范围内' },
  comment: { code: 'ACCESS_DENIED', message: '您可以查看该规划，但不能发表评论' },
  edit: { code: 'ACCESS_DENIED', message: '您可以查看该规划，但只有本校管理员和县区、市级管理员可以修改' },
  supervise: { code: 'ACCESS_DENIED', message: '只有该校所属县区或市级的管理员可以审核或归档' },
};

@Injectable()
export class PlanAccess {
  constructor(
    private readonly scopeLoader: OrganizationScopeLoader,
    @Optional() private readonly grants?: ScopeGrants,
  ) {}

  async capabilities(principal: Principal, schoolId: string): Promise<Set<PlanCapability>> {
    const school = await this.scopeLoader.load(schoolId);
    if (!school) return new Set();
    return planCapabilities(principal, school, await this.grantedIds(principal));
  }

  /** Throws OUT_OF_SCOPE when the principal cannot even read the plan, ACCESS_DENIED when they read but may not do `cap`. */
  async assert(principal: Principal, schoolId: string, cap: PlanCapability): Promise<Set<PlanCapability>> {
    const caps = await this.capabilities(principal, schoolId);
    if (!caps.has(cap)) {
      const denial = caps.has('read') ? DENIALS[cap] : DENIALS.read;
      throw new DomainException(denial.code, denial.message);
    }
    return caps;
  }

  async scope(principal: Principal): Promise<PlanScope> {
    switch (principal.role) {
      case 'city_admin':
        return { kind: 'all' };
      case 'county_admin':
        return { kind: 'county', countyId: principal.organizationId };
      case 'mentor':
        return { kind: 'schools', schoolIds: await this.grantedIds(principal) };
      default:
        return { kind: 'schools', schoolIds: [principal.organizationId] };
    }
  }

  /** Only mentors are widened, and only by the partnerships context's grants (none when it is absent). */
  private async grantedIds(principal: Principal): Promise<string[]> {
    if (principal.role !== 'mentor' || !this.grants) return [];
    return this.grants.organizationIdsFor(principal);
  }
}
