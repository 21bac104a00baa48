import { DomainException, Principal, Role } from '@app/platform';
import { decideScope, ScopeOrganization } from './dashboard-scope';

const county = (id: string): ScopeOrganization => ({ id, name: id, kind: 'county', countyId: null });
const school = (id: string, countyId: string): ScopeOrganization => ({ id, name: id, kind: 'school', countyId });
const who = (role: Role, organizationId: string, countyId: string | null = null): Principal => ({ userId: 'u', username: 'u', role, organizationId, countyId });

const JIANGE = county('jiange');
const WANGCANG = county('wangcang');
const JIANZHOU = school('jianzhou', 'jiange');
const DONGCHENG = school('dongcheng', 'wangcang');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainException ? err.code : 'not a DomainException';
  }
  return undefined;
}

describe('decideScope', () => {
  const city = who('city_admin', 'bureau');
  const jiangeCoordinator = who('county_admin', 'jiange', 'jiange');
  const jianzhouAdmin = who('school_admin', 'jianzhou', 'jiange');
  const jianzhouTeacher = who('teacher', 'jianzhou', 'jiange');
  const mentor = who('mentor', 'liemian');

  it('gives the city admin the city by default, and any county or school', () => {
    expect(decideScope(city, { county: null, school: null })).toEqual({ level: 'city' });
    expect(decideScope(city, { county: WANGCANG, school: null })).toEqual({ level: 'county', countyId: 'wangcang' });
    expect(decideScope(city, { county: null, school: DONGCHENG })).toEqual({ level: 'school', schoolId: 'dongcheng' });
    expect(decideScope(city, { county: JIANGE, school: JIANZHOU })).toEqual({ level: 'school', schoolId: 'jianzhou' });
  });

  it('gives a county coordinator their county by default and its schools, nothing else', () => {
    expect(decideScope(jiangeCoordinator, { county: null, school: null })).toEqual({ level: 'county', countyId: 'jiange' });
    expect(decideScope(jiangeCoordinator, { county: JIANGE, school: null })).toEqual({ level: 'county', countyId: 'jiange' });
    expect(decideScope(jiangeCoordinator, { county: null, school: JIANZHOU })).toEqual({ level: 'school', schoolId: 'jianzhou' });
    expect(codeOf(() => decideScope(jiangeCoordinator, { county: WANGCANG, school: null }))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => decideScope(jiangeCoordinator, { county: null, school: DONGCHENG }))).toBe('OUT_OF_SCOPE');
  });

  it('gives school admins and teachers their own school only', () => {
    for (const p of [jianzhouAdmin, jianzhouTeacher]) {
      expect(decideScope(p, { county: null, school: null })).toEqual({ level: 'school', schoolId: 'jianzhou' });
      expect(decideScope(p, { county: null, school: JIANZHOU })).toEqual({ level: 'school', schoolId: 'jianzhou' });
      expect(codeOf(() => decideScope(p, { county: JIANGE, school: null }))).toBe('OUT_OF_SCOPE');
      expect(codeOf(() => decideScope(p, { county: null, school: DONGCHENG }))).toBe('OUT_OF_SCOPE');
    }
  });

  it('gives a mentor a school they mentor, named explicitly', () => {
    expect(decideScope(mentor, { county: null, school: JIANZHOU }, ['jianzhou'])).toEqual({ level: 'school', schoolId: 'jianzhou' });
    expect(codeOf(() => decideScope(mentor, { county: null, school: DONGCHENG }, ['jianzhou']))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => decideScope(mentor, { county: null, school: null }, ['jianzhou']))).toBe('OUT_OF_SCOPE');
    expect(codeOf(() => decideScope(mentor, { county: JIANGE, school: null }, ['jianzhou']))).toBe('OUT_OF_SCOPE');
  });

  it('refuses organizations of the wrong kind, and a school outside the named county, before any scope question', () => {
    expect(codeOf(() => decideScope(city, { county: JIANZHOU, school: null }))).toBe('ORGANIZATION_NOT_A_COUNTY');
    expect(codeOf(() => decideScope(city, { county: null, school: JIANGE }))).toBe('ORGANIZATION_NOT_A_SCHOOL');
    expect(codeOf(() => decideScope(city, { county: WANGCANG, school: JIANZHOU }))).toBe('DASHBOARD_SCHOOL_OUTSIDE_COUNTY');
    expect(codeOf(() => decideScope(jiangeCoordinator, { county: JIANGE, school: DONGCHENG }))).toBe('DASHBOARD_SCHOOL_OUTSIDE_COUNTY');
  });
});
