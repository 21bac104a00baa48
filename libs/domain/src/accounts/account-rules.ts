import { DomainException, isWithinScope, Principal, Role, ScopeTarget } from '@app/platform';
import type { OrganizationKind } from '../organizations/organization.entity';

/** Which kinds of organization a user of each role may belong to. */
export const ROLE_ORGANIZATION_KINDS: Readonly<Record<Role, readonly OrganizationKind[]>> = {
  city_admin: ['government_unit'],
  county_admin: ['county'],
  school_admin: ['school'],
  teacher: ['school'],
  // Mentors work inside partnerships: staff of a Guangyuan school, an outside school or a university.
  mentor: ['school', 'external_school', 'university'],
};

/** The roles each role may give to the accounts it creates or manages (city admins: every role). */
export const MANAGEABLE_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  city_admin: ['city_admin', 'county_admin', 'school_admin', 'teacher', 'mentor'],
  county_admin: ['school_admin', 'teacher', 'mentor'],
  school_admin: ['school_admin', 'teacher'],
  teacher: [],
  mentor: [],
};

export function roleFitsOrganization(role: Role, kind: string): boolean {
  return (ROLE_ORGANIZATION_KINDS[role] as readonly string[]).includes(kind);
}

export function assertRoleFitsOrganization(role: Role, organization: Pick<ScopeTarget, 'kind'>): void {
  if (!roleFitsOrganization(role, organization.kind)) {
    throw new DomainException('ROLE_NOT_ALLOWED_FOR_ORGANIZATION', undefined, {
      role,
      organizationKind: organization.kind,
      allowedKinds: ROLE_ORGANIZATION_KINDS[role],
    });
  }
}

/**
 * Whether `actor` may create, or manage, an account with `role` in `organization`. Account management is
 * stricter than the general scope rule: a school admin acts only on their own school (a partnership-widened
 * scope does not let them create accounts elsewhere), and a county admin only inside their county.
 * Throws ACCESS_DENIED for a role the actor may not hand out, OUT_OF_SCOPE for an organization outside reach.
 */
export function assertCanManageAccount(actor: Principal, role: Role, organization: ScopeTarget): void {
  if (!MANAGEABLE_ROLES[actor.role].includes(role)) throw new DomainException('ACCESS_DENIED');
  switch (actor.role) {
    case 'city_admin':
      return;
    case 'county_admin':
      if (!isWithinScope(actor, organization)) throw new DomainException('OUT_OF_SCOPE');
      return;
    default:
      if (organization.id !== actor.organizationId) throw new DomainException('OUT_OF_SCOPE');
  }
}

/** The county an organization belongs to: itself for a county, else its countyId (null for city/outside units). */
export function countyOf(organization: { id: string; kind: string; countyId: string | null }): string | null {
  return organization.kind === 'county' ? organization.id : organization.countyId;
}
