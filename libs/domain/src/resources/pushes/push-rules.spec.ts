import { Principal } from '@app/platform';
import {
  adoptionSummary,
  attributionFor,
  canPushTo,
  canSeeAdoption,
  defaultPushTitle,
  isPusher,
  isRecipientRole,
  isUnopenedOverdue,
  MentorReach,
  overdueCutoff,
} from './push-rules';

const who = (role: Principal['role'], organizationId: string, countyId: string | null = null): Principal => ({
  userId: `u-${role}`,
  username: role,
  role,
  organizationId,
  countyId,
});
const city = who('city_admin', 'city');
const jiange = who('county_admin', 'jiange');
const mentor = who('mentor', 'liemian');
const teacher = who('teacher', 'jianzhou', 'jiange');
const schoolAdmin = who('school_admin', 'jianzhou', 'jiange');

const school = (id: string, countyId: string | null) => ({ id, kind: 'school', countyId });
const jianzhou = school('jianzhou', 'jiange');
const dongcheng = school('dongcheng', 'wangcang');
const noReach: MentorReach = new Map();
const reach: MentorReach = new Map([['jianzhou', ['p1', 'p2']]]);

describe('push rules', () => {
  it('lets coordinators and mentors push, and school staff receive', () => {
    expect([city, jiange, mentor].map(isPusher)).toEqual([true, true, true]);
    expect([teacher, schoolAdmin].map(isPusher)).toEqual([false, false]);
    expect([teacher, schoolAdmin].map(isRecipientRole)).toEqual([true, true]);
    expect([city, jiange, mentor].map(isRecipientRole)).toEqual([false, false, false]);
  });

  describe('canPushTo', () => {
    it('lets the city push to any school', () => {
      expect(canPushTo(city, jianzhou, noReach)).toBe(true);
      expect(canPushTo(city, dongcheng, noReach)).toBe(true);
    });

    it('keeps a county coordinator to the schools of their county', () => {
      expect(canPushTo(jiange, jianzhou, noReach)).toBe(true);
      expect(canPushTo(jiange, dongcheng, noReach)).toBe(false);
    });

    it('keeps a mentor to the member schools they reach through an active partnership', () => {
      expect(canPushTo(mentor, jianzhou, reach)).toBe(true);
      expect(canPushTo(mentor, dongcheng, reach)).toBe(false);
      expect(canPushTo(mentor, jianzhou, noReach)).toBe(false);
    });

    it('never targets something that is not a school, nor lets school staff push', () => {
      expect(canPushTo(city, { id: 'jiange', kind: 'county', countyId: null }, noReach)).toBe(false);
      expect(canPushTo(city, { id: 'buct', kind: 'university', countyId: null }, noReach)).toBe(false);
      expect(canPushTo(teacher, jianzhou, reach)).toBe(false);
      expect(canPushTo(schoolAdmin, jianzhou, reach)).toBe(false);
    });
  });

  describe('attributionFor (which partnership a delivery counts for)', () => {
    it('is the targeted partnership for a partnership push, by anyone', () => {
      expect(attributionFor(city, 'partnership', 'p9', 'jianzhou', noReach)).toBe('p9');
      expect(attributionFor(mentor, 'partnership', 'p2', 'jianzhou', reach)).toBe('p2');
    });

    it('is the mentor’s (first) partnership reaching the school for their other pushes', () => {
      expect(attributionFor(mentor, 'schools', null, 'jianzhou', reach)).toBe('p1');
      expect(attributionFor(mentor, 'weak_schools', null, 'jianzhou', reach)).toBe('p1');
    });

    it('is none for a coordinator’s own push to a list or the weak schools', () => {
      expect(attributionFor(city, 'weak_schools', null, 'jianzhou', noReach)).toBeNull();
      expect(attributionFor(jiange, 'schools', null, 'jianzhou', noReach)).toBeNull();
    });
  });

  it('shows adoption to the city and to the pushing organization only', () => {
    const push = { pushedByOrganizationId: 'jiange' };
    expect(canSeeAdoption(city, push)).toBe(true);
    expect(canSeeAdoption(jiange, push)).toBe(true);
    expect(canSeeAdoption(who('county_admin', 'wangcang'), push)).toBe(false);
    expect(canSeeAdoption(mentor, push)).toBe(false);
    expect(canSeeAdoption(mentor, { pushedByOrganizationId: 'liemian' })).toBe(true);
    // A school admin is never a pusher, even of a push "from" their own organization id.
    expect(canSeeAdoption(schoolAdmin, { pushedByOrganizationId: 'jianzhou' })).toBe(false);
  });

  describe('the unopened rule', () => {
    it('flags an unopened receipt once PUSH_UNOPENED_DAYS calendar days have passed', () => {
      expect(isUnopenedOverdue({ firstOpenedAt: null }, '2026-03-01', '2026-03-07', 7)).toBe(false);
      expect(isUnopenedOverdue({ firstOpenedAt: null }, '2026-03-01', '2026-03-08', 7)).toBe(true);
      expect(isUnopenedOverdue({ firstOpenedAt: new Date() }, '2026-03-01', '2026-04-08', 7)).toBe(false);
    });

    it('computes the cutoff across month and year ends', () => {
      expect(overdueCutoff('2026-03-08', 7)).toBe('2026-03-01');
      expect(overdueCutoff('2026-03-03', 7)).toBe('2026-02-24');
      expect(overdueCutoff('2026-01-02', 3)).toBe('2025-12-30');
      expect(isUnopenedOverdue({ firstOpenedAt: null }, overdueCutoff('2026-03-03', 7), '2026-03-03', 7)).toBe(true);
    });
  });

  it('summarises adoption with rates', () => {
    const at = new Date();
    expect(
      adoptionSummary([
        { firstOpenedAt: at, firstDownloadedAt: at, overdue: false },
        { firstOpenedAt: at, firstDownloadedAt: null, overdue: false },
        { firstOpenedAt: null, firstDownloadedAt: null, overdue: true },
      ]),
    ).toEqual({ schools: 3, opened: 2, downloaded: 1, unopenedOverdue: 1, openRate: 0.667, downloadRate: 0.333 });
    expect(adoptionSummary([])).toEqual({ schools: 0, opened: 0, downloaded: 0, unopenedOverdue: 0, openRate: 0, downloadRate: 0 });
  });

  it('titles a push by its collection or its first resource', () => {
    expect(defaultPushTitle('高一数学函数专题', ['a', 'b'])).toBe('专题资源包：高一数学函数专题');
    expect(defaultPushTitle(null, ['函数的概念'])).toBe('函数的概念');
    expect(defaultPushTitle(null, ['函数的概念', '指数函数', '对数函数'])).toBe('函数的概念等3件资源');
    const long = defaultPushTitle(null, ['长'.repeat(300), '短']);
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('…等2件资源')).toBe(true);
  });
});
