import { DomainException, Principal, Role, ROLES, ScopeTarget } from '@app/platform';
import { assertCanManageAccount, assertRoleFitsOrganization, countyOf, roleFitsOrganization } from './account-rules';

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof DomainException) return err.code;
    throw err;
  }
};

const jiange: ScopeTarget = { id: 'county-jiange', kind: 'county', countyId: null };
const wangcang: ScopeTarget = { id: 'county-wangcang', kind: 'county', countyId: null };
const jianzhou: ScopeTarget = { id: 'school-jianzhou', kind: 'school', countyId: jiange.id };
const dongcheng: ScopeTarget = { id: 'school-dongcheng', kind: 'school', countyId: wangcang.id };
const liemian: ScopeTarget = { id: 'ext-liemian', kind: 'external_school', countyId: null };
const bureau: ScopeTarget = { id: 'gov-bureau', kind: 'government_unit', countyId: null };
const university: ScopeTarget = { id: 'uni-buct', kind: 'university', countyId: null };

const principal = (role: Role, org: ScopeTarget): Principal => ({
  userId: `u-${role}`,
  username: role,
  role,
  organizationId: org.id,
  countyId: countyOf(org),
});

describe('role / organization kind rule', () => {
  const table: [Role, ScopeTarget, boolean][] = [
    ['city_admin', bureau, true],
    ['city_admin', jianzhou, false],
    ['county_admin', jiange, true],
    ['county_admin', jianzhou, false],
    ['school_admin', jianzhou, true],
    ['school_admin', liemian, false],
    ['teacher', jianzhou, true],
    ['teacher', university, false],
    ['teacher', jiange, false],
    ['mentor', jianzhou, true],
    ['mentor', liemian, true],
    ['mentor', university, true],
    ['mentor', bureau, false],
  ];
  it.each(table)('%s in a %o fits: %s', (role, org, fits) => {
    expect(roleFitsOrganization(role, org.kind)).toBe(fits);
    expect(codeOf(() => assertRoleFitsOrganization(role, org))).toBe(fits ? null : 'ROLE_NOT_ALLOWED_FOR_ORGANIZATION');
  });

  it('names the allowed kinds in the error details', () => {
    try {
      assertRoleFitsOrganization('county_admin', jianzhou);
      throw new Error('expected a DomainException');
    } catch (err) {
      expect((err as DomainException).details).toEqual({ role: 'county_admin', organizationKind: 'school', allowedKinds: ['county'] });
    }
  });
});

describe('who may create or manage which account', () => {
  it('a city admin may hand out every role anywhere', () => {
    for (const role of ROLES) expect(codeOf(() => assertCanManageAccount(principal('city_admin', bureau), role, dongcheng))).toBeNull();
  });

  it('a county admin: school roles inside their county only', () => {
    const county = principal('county_admin', jiange);
    expect(codeOf(() => assertCanManageAccount(county, 'teacher', jianzhou))).toBeNull();
    expect(codeOf(() => assertCanManageAccount(county, 'school_admin', jianzhou))).toBeNull();
    expect(codeOf(() => assertCanManageAccount(county, 'mentor', jianzhou))).toBeNull();
    expect(codeOf(() => assertCanManageAccount(county, 'teacher', dongcheng))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => assertCanManageAccount(county, 'mentor', liemian))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => assertCanManageAccount(county, 'county_admin', jiange))).toBe('ACCESS_DENIED');
    expect(codeOf(() => assertCanManageAccount(county, 'city_admin', bureau))).toBe('ACCESS_DENIED');
  });

  it('a school admin: teachers and school admins of their own school only', () => {
    const admin = principal('school_admin', jianzhou);
    expect(codeOf(() => assertCanManageAccount(admin, 'teacher', jianzhou))).toBeNull();
    expect(codeOf(() => assertCanManageAccount(admin, 'school_admin', jianzhou))).toBeNull();
    expect(codeOf(() => assertCanManageAccount(admin, 'teacher', dongcheng))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => assertCanManageAccount(admin, 'mentor', jianzhou))).toBe('ACCESS_DENIED');
  });

  it('teachers and mentors manage no accounts', () => {
    expect(codeOf(() => assertCanManageAccount(principal('teacher', jianzhou), 'teacher', jianzhou))).toBe('ACCESS_DENIED');
    expect(codeOf(() => assertCanManageAccount(principal('mentor', liemian), 'mentor', liemian))).toBe('ACCESS_DENIED');
  });
});

describe('countyOf', () => {
  it('is the county itself, a school\'s county, or null for city and outside units', () => {
    expect(countyOf(jiange)).toBe(jiange.id);
    expect(countyOf(jianzhou)).toBe(jiange.id);
    expect(countyOf(bureau)).toBeNull();
    expect(countyOf(liemian)).toBeNull();
  });
});
