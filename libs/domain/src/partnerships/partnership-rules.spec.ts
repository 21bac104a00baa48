import { DomainException, Principal } from '@app/platform';
import {
  assertTransition,
  canLogVisit,
  canManagePartnership,
  canReadPartnership,
  canTransition,
  centsToYuan,
  fitsBudget,
  fundSummary,
  isCalendarDate,
  obligationProgress,
  partnershipHealth,
  PartyRef,
  schoolTermOf,
  spansOverlap,
  termElapsedShare,
  TRANSITIONS,
  yuanToCents,
} from './partnership-rules';
import { PARTNERSHIP_STATUSES } from './partnership.entity';

const who = (role: Principal['role'], organizationId: string, userId = 'u1'): Principal => ({ userId, username: 'x', role, organizationId, countyId: null });

describe('partnership status transitions', () => {
  it.each([
    ['proposed', 'active'],
    ['active', 'suspended'],
    ['suspended', 'active'],
    ['active', 'concluded'],
    ['suspended', 'concluded'],
  ] as const)('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it('refuses everything else, including staying put, with a stable code and the allowed targets', () => {
    const allowed = new Set(Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`)));
    let refused = 0;
    for (const from of PARTNERSHIP_STATUSES) {
      for (const to of PARTNERSHIP_STATUSES) {
        if (allowed.has(`${from}>${to}`)) continue;
        refused++;
        expect(canTransition(from, to)).toBe(false);
        try {
          assertTransition(from, to);
          throw new Error('not refused');
        } catch (err) {
          expect(err).toBeInstanceOf(DomainException);
          expect((err as DomainException).code).toBe('PARTNERSHIP_TRANSITION_NOT_ALLOWED');
          expect((err as DomainException).status).toBe(409);
          expect((err as DomainException).details).toEqual({ from, to, allowed: TRANSITIONS[from] });
        }
      }
    }
    expect(refused).toBe(16 - 5);
  });

  it('makes concluded final', () => {
    expect(TRANSITIONS.concluded).toEqual([]);
  });
});

describe('fund arithmetic', () => {
  it('converts yuan to whole fen without binary noise', () => {
    expect(yuanToCents(0.1 + 0.2)).toBe(30);
    expect(yuanToCents(1999999.99)).toBe(199999999);
    expect(yuanToCents(2_000_000)).toBe(200_000_000);
    expect(centsToYuan(199999999)).toBe(1999999.99);
  });

  it('rejects more than two decimals, negatives and absurd amounts', () => {
    expect(() => yuanToCents(1.005)).toThrow(RangeError);
    expect(() => yuanToCents(-1)).toThrow(RangeError);
    expect(() => yuanToCents(Number.NaN)).toThrow(RangeError);
    expect(() => yuanToCents(1e11)).toThrow(RangeError);
  });

  it('fits a disbursement only inside the remaining budget, exactly to the fen', () => {
    expect(fitsBudget(100_000, 0, 100_000)).toBe(true);
    expect(fitsBudget(100_000, 60_000, 40_000)).toBe(true);
    expect(fitsBudget(100_000, 60_000, 40_001)).toBe(false);
    expect(fitsBudget(null, 0, 1)).toBe(false);
    expect(fitsBudget(100_000, 0, 0)).toBe(false);
  });

  it('summarizes budget, disbursed and remaining in yuan', () => {
    expect(fundSummary(200_000_000, 30_000_000)).toEqual({ budget: 2_000_000, disbursed: 300_000, remaining: 1_700_000 });
    expect(fundSummary(null, 0)).toEqual({ budget: null, disbursed: 0, remaining: null });
  });
});

describe('calendar', () => {
  it('accepts only real YYYY-MM-DD days', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-2-1')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate(20250101)).toBe(false);
  });

  it('places every day in a school term', () => {
    expect(schoolTermOf('2026-11-29')).toEqual({ label: '2026-2027学年第一学期', startDate: '2026-09-01', endDate: '2027-01-31' });
    expect(schoolTermOf('2027-01-31')).toEqual({ label: '2026-2027学年第一学期', startDate: '2026-09-01', endDate: '2027-01-31' });
    expect(schoolTermOf('2027-02-01')).toEqual({ label: '2026-2027学年第二学期', startDate: '2027-02-01', endDate: '2027-08-31' });
    expect(schoolTermOf('2027-08-31').label).toBe('2026-2027学年第二学期');
    expect(schoolTermOf('2027-09-01').label).toBe('2027-2028学年第一学期');
  });

  it('detects overlapping spans, touching days included', () => {
    expect(spansOverlap({ startDate: '2026-09-01', endDate: '2027-01-31' }, { startDate: '2027-01-31', endDate: '2027-03-01' })).toBe(true);
    expect(spansOverlap({ startDate: '2026-09-01', endDate: '2027-01-31' }, { startDate: '2027-02-01', endDate: '2027-08-31' })).toBe(false);
  });
});

describe('obligation progress and health', () => {
  const term = { startDate: '2026-09-01', endDate: '2026-12-30' }; // 121 days
  const visit = (done: number, target = 4) => ({ kind: 'onsite_visit' as const, target, done, source: 'recorded' as const });

  it('spreads the target evenly over the term', () => {
    expect(termElapsedShare(term, '2026-08-31')).toBe(0);
    expect(termElapsedShare(term, '2026-09-01')).toBeCloseTo(1 / 121);
    expect(termElapsedShare(term, '2026-12-30')).toBe(1);
    expect(termElapsedShare(term, '2027-05-01')).toBe(1);
    expect(obligationProgress(visit(0), term, '2026-09-10').expectedByNow).toBe(0);
    expect(obligationProgress(visit(0), term, '2026-10-31').expectedByNow).toBe(2); // 61/121 of 4
  });

  it('grades met, on track, at risk and behind', () => {
    const mid = '2026-12-01'; // 92/121 of 4 -> 3 expected
    expect(obligationProgress(visit(4), term, mid).state).toBe('met');
    expect(obligationProgress(visit(3), term, mid).state).toBe('on_track');
    expect(obligationProgress(visit(2), term, mid).state).toBe('at_risk');
    expect(obligationProgress(visit(1), term, mid).state).toBe('behind');
    expect(obligationProgress(visit(3), term, '2027-01-05')).toMatchObject({ expectedByNow: 4, state: 'at_risk' });
  });

  it('never judges an obligation whose records are not tracked yet', () => {
    const p = obligationProgress({ kind: 'resource_push', target: 20, done: 0, source: 'not_yet_tracked' }, term, '2026-12-30');
    expect(p).toMatchObject({ done: 0, expectedByNow: 20, state: 'not_tracked' });
  });

  it('takes the worst judged obligation as the health, with reasons', () => {
    const at = (done: number) => ({ ...obligationProgress(visit(done), term, '2026-12-01'), label: '到校指导' });
    const untracked = { ...obligationProgress({ kind: 'joint_research_session', target: 4, done: 0, source: 'not_yet_tracked' }, term, '2026-12-01'), label: '联合教研' };
    const current = { label: '2026-2027学年第一学期' };
    expect(partnershipHealth('active', current, [at(3), untracked])).toEqual({ status: 'on_track', reasons: [] });
    const risk = partnershipHealth('active', current, [at(2), untracked]);
    expect(risk.status).toBe('at_risk');
    expect(risk.reasons).toEqual(['到校指导：已完成 2 次，按进度应完成 3 次（学期目标 4 次）']);
    expect(partnershipHealth('active', current, [at(0)]).status).toBe('behind');
  });

  it('has no data without a current term, without obligations, or with only untracked ones', () => {
    expect(partnershipHealth('active', null, []).status).toBe('no_data');
    expect(partnershipHealth('active', { label: 't' }, []).status).toBe('no_data');
    const untracked = { ...obligationProgress({ kind: 'resource_push', target: 20, done: 0, source: 'not_yet_tracked' }, term, '2026-12-01'), label: '资源推送' };
    expect(partnershipHealth('active', { label: 't' }, [untracked]).status).toBe('no_data');
  });

  it('calls any partnership that is not active inactive', () => {
    for (const status of ['proposed', 'suspended', 'concluded'] as const) {
      expect(partnershipHealth(status, { label: 't' }, []).status).toBe('inactive');
    }
  });
});

describe('who may read, manage and log visits', () => {
  const orgParties: PartyRef[] = [
    { side: 'mentor', organizationId: 'liemian', userId: null },
    { side: 'member', organizationId: 'jianzhou', userId: null },
  ];
  const pairing: PartyRef[] = [
    { side: 'mentor', organizationId: 'guangyuan', userId: 'mentor-teacher' },
    { side: 'member', organizationId: 'jianzhou', userId: 'young-teacher' },
  ];
  const counties = ['jiange'];

  it('lets the city read and manage everything', () => {
    expect(canReadPartnership(who('city_admin', 'bureau'), orgParties, counties)).toBe(true);
    expect(canManagePartnership(who('city_admin', 'bureau'), counties)).toBe(true);
  });

  it('limits a county coordinator to partnerships with a member school in their county', () => {
    expect(canReadPartnership(who('county_admin', 'jiange'), orgParties, counties)).toBe(true);
    expect(canManagePartnership(who('county_admin', 'jiange'), counties)).toBe(true);
    expect(canReadPartnership(who('county_admin', 'wangcang'), orgParties, counties)).toBe(false);
    expect(canManagePartnership(who('county_admin', 'wangcang'), counties)).toBe(false);
  });

  it('lets school admins and teachers of a participating school read, never manage', () => {
    for (const role of ['school_admin', 'teacher'] as const) {
      expect(canReadPartnership(who(role, 'jianzhou'), orgParties, counties)).toBe(true);
      expect(canReadPartnership(who(role, 'dongcheng'), orgParties, counties)).toBe(false);
      expect(canManagePartnership(who(role, 'jianzhou'), counties)).toBe(false);
      expect(canLogVisit(who(role, 'jianzhou'), orgParties, counties)).toBe(false);
    }
  });

  it('lets mentors on the mentor side read and log visits, and no one else of their role', () => {
    expect(canReadPartnership(who('mentor', 'liemian'), orgParties, counties)).toBe(true);
    expect(canLogVisit(who('mentor', 'liemian'), orgParties, counties)).toBe(true);
    expect(canReadPartnership(who('mentor', 'anyue'), orgParties, counties)).toBe(false);
    // a mentor whose organization is on the member side is not a mentor of this partnership
    expect(canReadPartnership(who('mentor', 'jianzhou'), orgParties, counties)).toBe(false);
    expect(canManagePartnership(who('mentor', 'liemian'), counties)).toBe(false);
  });

  it('in a teacher pairing, makes the mentor teacher (not their colleagues) the mentor side', () => {
    expect(canLogVisit(who('mentor', 'guangyuan', 'mentor-teacher'), pairing, counties)).toBe(true);
    expect(canLogVisit(who('mentor', 'guangyuan', 'someone-else'), pairing, counties)).toBe(false);
  });
});
