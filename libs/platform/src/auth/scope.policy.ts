import { Principal } from './roles';

/** The facts about an organization that decide whether it is inside someone's scope. */
export interface ScopeTarget {
  id: string;
  kind: string;
  /** For a school: its county. For a county: null (the county is its own scope). */
  countyId: string | null;
}

/**
 * Loads a scope target by organization id. Implemented by the organizations context; kept as a port here so the
 * guard in the platform does not depend on the domain. `extraOrganizationIds` lets later contexts widen a
 * principal's scope (e.g. a mentor's partnership mentee schools).
 */
export abstract class ScopeTargetLoader {
  abstract load(organizationId: string): Promise<ScopeTarget | null>;
  abstract extraOrganizationIds(principal: Principal): Promise<string[]>;
}

/**
 * The scope rule of the platform: the city sees all; a county coordinator sees their county and its schools;
 * everyone else sees their own organization (plus any organizations a context grants them explicitly).
 */
export function isWithinScope(principal: Principal, target: ScopeTarget, extraOrganizationIds: readonly string[] = []): boolean {
  switch (principal.role) {
    case 'city_admin':
      return true;
    case 'county_admin':
      return target.id === principal.organizationId || target.countyId === principal.organizationId;
    default:
      return target.id === principal.organizationId || extraOrganizationIds.includes(target.id);
  }
}
