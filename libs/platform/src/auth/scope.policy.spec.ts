import { Principal } from './roles';
import { isWithinScope, ScopeTarget } from './scope.policy';

const county = (id: string): ScopeTarget => ({ id, kind: 'county', countyId: null });
const school = (id: string, countyId: string): ScopeTarget => ({ id, kind: 'school', countyId });
const principal = (role: Principal['role'], organizationId: string, countyId: string | null = null): Principal => ({
  userId: 'u',
  username: 'u',
  role,
  organizationId,
  countyId,
});

describe('isWithinScope', () => {
  const jiange = county('jiange');
  const jianzhou = school('jianzhou', 'jiange');
  const dongcheng = school('dongcheng', 'wangcang');

  it('lets the city see everything', () => {
    expect(isWithinScope(principal('city_admin', 'city-bureau'), dongcheng)).toBe(true);
    expect(isWithinScope(principal('city_admin', 'city-bureau'), jiange)).toBe(true);
  });

  it('limits a county coordinator to their county and its schools', () => {
    const coordinator = principal('county_admin', 'jiange', 'jiange');
    expect(isWithinScope(coordinator, jiange)).toBe(true);
    expect(isWithinScope(coordinator, jianzhou)).toBe(true);
    expect(isWithinScope(coordinator, dongcheng)).toBe(false);
    expect(isWithinScope(coordinator, county('wangcang'))).toBe(false);
  });

  it.each(['school_admin', 'teacher', 'mentor'] as const)('limits a %s to their own organization', (role) => {
    const user = principal(role, 'jianzhou', 'jiange');
    expect(isWithinScope(user, jianzhou)).toBe(true);
    expect(isWithinScope(user, dongcheng)).toBe(false);
    expect(isWithinScope(user, jiange)).toBe(false);
  });

  it('widens a scope only by organizations granted explicitly', () => {
    const mentor = principal('mentor', 'liemian');
    expect(isWithinScope(mentor, jianzhou, ['jianzhou'])).toBe(true);
    expect(isWithinScope(mentor, dongcheng, ['jianzhou'])).toBe(false);
  });
});
