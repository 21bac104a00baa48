import { DomainException, Principal } from '@app/platform';
import type { OrganizationKind } from '../organizations/organization.entity';

export const DASHBOARD_LEVELS = ['city', 'county', 'school'] as const;
export type DashboardLevel = (typeof DASHBOARD_LEVELS)[number];

/** The few facts of an organization the scope rule needs. */
export interface ScopeOrganization {
  id: string;
  name: string;
  kind: OrganizationKind;
  countyId: string | null;
}

/** What a dashboard or report covers: the whole city, one county, or one school. */
export interface DashboardScope {
  level: DashboardLevel;
  /** The county viewed, or the viewed school's county; null for the city. */
  county: { id: string; name: string } | null;
  /** The school viewed; null above school level. */
  school: { id: string; name: string } | null;
}

/** What the caller asked for, each already loaded (null = not asked for). */
export interface RequestedScope {
  county: ScopeOrganization | null;
  school: ScopeOrganization | null;
}

export type ScopeDecision = { level: 'city' } | { level: 'county'; countyId: string } | { level: 'school'; schoolId: string };

/**
 * Who may see which roll-up (item 9 applied to dashboards):
 * - city admin: the city, any county, any school;
 * - county coordinator: their county (the default) or one of its schools;
 * - school admin and teacher: their own school (the default), nothing above it;
 * - mentor: a school they mentor through an active partnership (ScopeGrants), named with schoolId.
 * The requested organizations must be of the right kind, and a school named with a county must be in it.
 */
export function decideScope(principal: Principal, requested: RequestedScope, grantedSchoolIds: readonly string[] = []): ScopeDecision {
  const { county, school } = requested;
  if (county && county.kind !== 'county') throw new DomainException('ORGANIZATION_NOT_A_COUNTY');
  if (school && school.kind !== 'school') throw new DomainException('ORGANIZATION_NOT_A_SCHOOL');
  if (county && school && school.countyId !== county.id) throw new DomainException('DASHBOARD_SCHOOL_OUTSIDE_COUNTY');

  switch (principal.role) {
    case 'city_admin':
      if (school) return { level: 'school', schoolId: school.id };
      if (county) return { level: 'county', countyId: county.id };
      return { level: 'city' };
    case 'county_admin': {
      const own = principal.organizationId;
      if (county && county.id !== own) throw new DomainException('OUT_OF_SCOPE', '只能查看本县区的督导数据');
      if (school) {
        if (school.countyId !== own) throw new DomainException('OUT_OF_SCOPE', '只能查看本县区学校的督导数据');
        return { level: 'school', schoolId: school.id };
      }
      return { level: 'county', countyId: own };
    }
    case 'school_admin':
    case 'teacher':
      if (county) throw new DomainException('OUT_OF_SCOPE', '只能查看本校的督导数据');
      if (school && school.id !== principal.organizationId) throw new DomainException('OUT_OF_SCOPE', '只能查看本校的督导数据');
      return { level: 'school', schoolId: principal.organizationId };
    case 'mentor':
      if (county) throw new DomainException('OUT_OF_SCOPE', '帮扶专家只能查看所帮扶学校的督导数据');
      if (!school) throw new DomainException('OUT_OF_SCOPE', '请选择您所帮扶的学校（schoolId）');
      if (!grantedSchoolIds.includes(school.id)) throw new DomainException('OUT_OF_SCOPE', '帮扶专家只能查看所帮扶学校的督导数据');
      return { level: 'school', schoolId: school.id };
  }
}
