import { computeFromStats, currentSchoolYear, directionOf, evaluate, isDue, rollupOf, trendOf } from './indicator-rules';
import { INDICATOR_CATALOGUE } from './indicator-catalogue';

const atMost = { direction: 'at_most' as const, target: 12.5, neverLowered: false };
const atLeast = { direction: 'at_least' as const, target: 1000, neverLowered: false };
const funding = { direction: 'at_least' as const, target: 1000, neverLowered: true };
const done = { direction: 'done' as const, target: null, neverLowered: false };

describe('indicator rules', () => {
  describe('currentSchoolYear', () => {
    it('names the school year by the year it starts, in September', () => {
      expect(currentSchoolYear('2026-08-31')).toBe(2025);
      expect(currentSchoolYear('2026-09-01')).toBe(2026);
      expect(currentSchoolYear('2027-01-15')).toBe(2026);
    });
  });

  describe('computeFromStats', () => {
    const stats = { students: 2380, teachers: 157, largestClass: 63, perStudentFunding: 930 };
    it('computes the four supported indicators', () => {
      expect(computeFromStats('students_per_teacher', stats)).toBe(15.16);
      expect(computeFromStats('largest_class', stats)).toBe(63);
      expect(computeFromStats('students', stats)).toBe(2380);
      expect(computeFromStats('per_student_funding', stats)).toBe(930);
    });
    it('has no teacher ratio without teachers', () => {
      expect(computeFromStats('students_per_teacher', { ...stats, teachers: 0 })).toBeNull();
    });
    it('reads MySQL decimal strings as numbers', () => {
      expect(computeFromStats('per_student_funding', { ...stats, perStudentFunding: '1000.50' as unknown as number })).toBe(1000.5);
    });
  });

  describe('evaluate', () => {
    it('treats the target itself as on target in both directions', () => {
      expect(evaluate(atMost, 12.5).status).toBe('on_target');
      expect(evaluate(atMost, 12.51).status).toBe('off_target');
      expect(evaluate(atLeast, 1000).status).toBe('on_target');
      expect(evaluate(atLeast, 999.99).status).toBe('off_target');
    });
    it('has no data without a value (0 is a value)', () => {
      expect(evaluate(atMost, null).status).toBe('no_data');
      expect(evaluate(atMost, undefined).status).toBe('no_data');
      expect(evaluate(done, 0).status).toBe('off_target');
      expect(evaluate(done, 1).status).toBe('on_target');
    });
    it('puts a lowered "never lowered" value off target even above the floor', () => {
      expect(evaluate(funding, 1100, 1200)).toEqual({ status: 'off_target', lowered: true });
      expect(evaluate(funding, 1200, 1200)).toEqual({ status: 'on_target', lowered: false });
      expect(evaluate(funding, 1100, null)).toEqual({ status: 'on_target', lowered: false });
      expect(evaluate(atLeast, 1100, 1200)).toEqual({ status: 'on_target', lowered: false });
    });
  });

  describe('trend', () => {
    it('lists years oldest first with their status and reads the last change in the indicator direction', () => {
      const trend = trendOf(atMost, new Map([[2025, 14.6], [2023, 15.2], [2024, 14.9]]));
      expect(trend.points).toEqual([
        { year: 2023, value: 15.2, status: 'off_target' },
        { year: 2024, value: 14.9, status: 'off_target' },
        { year: 2025, value: 14.6, status: 'off_target' },
      ]);
      expect(trend.direction).toBe('improving');
      expect(directionOf(atLeast, [1000, 990])).toBe('worsening');
      expect(directionOf(atLeast, [1000, 1000])).toBe('steady');
      expect(directionOf(atLeast, [1000])).toBeNull();
    });
    it('applies "never lowered" against the previous year inside the trend', () => {
      const trend = trendOf(funding, new Map([[2024, 1300], [2025, 1200]]));
      expect(trend.points.map((p) => p.status)).toEqual(['on_target', 'off_target']);
    });
  });

  describe('rollupOf', () => {
    it('gives the share of members with data that are on target', () => {
      expect(rollupOf(['on_target', 'off_target', 'on_target', 'no_data'])).toEqual({
        total: 4, onTarget: 2, offTarget: 1, noData: 1, shareOnTarget: 66.7, status: 'off_target',
      });
      expect(rollupOf(['on_target', 'no_data']).status).toBe('on_target');
      expect(rollupOf(['no_data', 'no_data'])).toMatchObject({ shareOnTarget: null, status: 'no_data' });
      expect(rollupOf([])).toMatchObject({ total: 0, shareOnTarget: null, status: 'no_data' });
    });
  });

  describe('isDue', () => {
    it('applies deadline targets from their deadline year, yearly and ongoing ones always', () => {
      expect(isDue({ cadence: 'by_deadline', deadlineYear: 2025 }, 2024)).toBe(false);
      expect(isDue({ cadence: 'by_deadline', deadlineYear: 2025 }, 2025)).toBe(true);
      expect(isDue({ cadence: 'yearly', deadlineYear: null }, 2020)).toBe(true);
      expect(isDue({ cadence: 'ongoing', deadlineYear: null }, 2020)).toBe(true);
    });
  });

  describe('catalogue', () => {
    it('has every policy line once, with a target except for milestones', () => {
      const keys = INDICATOR_CATALOGUE.map((i) => i.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(14);
      for (const i of INDICATOR_CATALOGUE) {
        expect(i.direction === 'done' ? i.target === null : typeof i.target === 'number').toBe(true);
        expect(i.cadence === 'by_deadline' ? i.deadlineYear !== null : i.deadlineYear === null).toBe(true);
        if (i.computedFrom) expect(i.level).toBe('school');
      }
      expect(INDICATOR_CATALOGUE.filter((i) => i.computedFrom).map((i) => i.key).sort()).toEqual(
        ['largest_class_size', 'per_student_funding', 'school_size', 'teacher_student_ratio'],
      );
    });
  });
});
