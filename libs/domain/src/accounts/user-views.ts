import { ROLE_LABELS } from '@app/platform';
import type { Organization } from '../organizations/organization.entity';
import type { User } from './user.entity';
import type { SignedInUserDto, UserDto, UserProfileDto } from './users.dto';
import { MANAGEABLE_ROLES, ROLE_ORGANIZATION_KINDS } from './account-rules';

/** A user loaded with `organization` and `organization.county`. */
export type UserWithOrganization = User & { organization: Organization & { county?: Organization | null } };

export function toUserProfile(user: UserWithOrganization): UserProfileDto {
  const org = user.organization;
  const county = org.kind === 'county' ? org : (org.county ?? null);
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role],
    phone: user.phone,
    subject: user.subject,
    organization: { id: org.id, name: org.name, kind: org.kind },
    county: county ? { id: county.id, name: county.name } : null,
  };
}

/** The profile plus the roles the user may hand out in account management (account-rules.ts). */
export function toSignedInUser(user: UserWithOrganization): SignedInUserDto {
  return {
    ...toUserProfile(user),
    accountRoles: MANAGEABLE_ROLES[user.role].map((role) => ({ role, organizationKinds: [...ROLE_ORGANIZATION_KINDS[role]] })),
  };
}

export function toUserDto(user: UserWithOrganization): UserDto {
  return {
    ...toUserProfile(user),
    active: user.active,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
