export const ROLES = ['city_admin', 'county_admin', 'school_admin', 'teacher', 'mentor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  city_admin: '市级管理员（市教育局）',
  county_admin: '县区管理员（县区教育局）',
  school_admin: '学校管理员',
  teacher: '教师/教研员',
  mentor: '帮扶专家',
};

/** The signed-in user as the access token describes them. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  organizationId: string;
  /** The county the user's organization belongs to (a county admin's own county); null for city-level units. */
  countyId: string | null;
}

/** Claims carried in an access token. */
export interface AccessTokenClaims {
  sub: string;
  usr: string;
  role: Role;
  org: string;
  cty: string | null;
  typ: 'access';
}
