import { Principal, ScopeTarget } from '@app/platform';
import { planCapabilities } from './plan-access';

const jianzhou: ScopeTarget = { id: 'jianzhou', kind: 'school', countyId: 'jiange' };
const who = (role: Principal['role'], organizationId: string): Principal => ({ userId: 'u', username: 'u', role, organizationId, countyId: null });
const caps = (p: Principal, granted: string[] = []) => [...planCapabilities(p, jianzhou, granted)].sort();

describe('planCapabilities (item 9)', () => {
  it('gives the city everything', () => {
    expect(caps(who('city_admin', 'city-bureau'))).toEqual(['comment', 'edit', 'read', 'supervise']);
  });

  it('lets a county coordinator supervise their own county only', () => {
    expect(caps(who('county_admin', 'jiange'))).toEqual(['comment', 'edit', 'read', 'supervise']);
    expect(caps(who('county_admin', 'wangcang'))).toEqual([]);
  });

  it('lets a school admin edit their own school plan but not sign it off, and nothing elsewhere', () => {
    expect(caps(who('school_admin', 'jianzhou'))).toEqual(['comment', 'edit', 'read']);
    expect(caps(who('school_admin', 'dongcheng'))).toEqual([]);
  });

  it('lets a teacher read their own school plan only', () => {
    expect(caps(who('teacher', 'jianzhou'))).toEqual(['read']);
    expect(caps(who('teacher', 'dongcheng'))).toEqual([]);
  });

  it('lets a mentor read and comment on mentee schools only', () => {
    expect(caps(who('mentor', 'liemian'), ['jianzhou'])).toEqual(['comment', 'read']);
    expect(caps(who('mentor', 'liemian'), ['dongcheng'])).toEqual([]);
    expect(caps(who('mentor', 'liemian'))).toEqual([]);
  });

  it('ignores grants for roles other than mentor', () => {
    expect(caps(who('teacher', 'dongcheng'), ['jianzhou'])).toEqual([]);
  });
});
