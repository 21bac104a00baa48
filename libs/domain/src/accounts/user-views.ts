import { ROLE_LABELS } from '@app/platform';
import type { Organization } from '../organizations/organization.entity';
import type { User } from './user.entity';
import type { UserDto, UserProfileDto } from './users.dto';

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

export function toUserDto(user: UserWithOrganization): UserDto {
  return {
    ...toUserProfile(user),
    active: user.active,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
