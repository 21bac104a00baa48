import type { SchoolYearStats } from '../organizations/school-year-stats.entity';
import type { ComputedSource, IndicatorDefinition } from './indicator-definition.entity';

export const INDICATOR_STATUSES = ['on_target', 'off_target', 'no_data'] as const;
export type IndicatorStatus = (typeof INDICATOR_STATUSES)[number];

export type TrendDirection = 'improving' | 'worsening' | 'steady';

export type RuleDefinition = Pick<IndicatorDefinition, 'direction' | 'target' | 'neverLowered'>;

/**
 * The school year running on a calendar day in Guangyuan (YYYY-MM-DD): it starts in September and is named by
 * the year it starts, as SchoolYearStats are (2025 = 2025-2026). Indicator years follow the same naming.
 */
export function currentSchoolYear(today: string): number {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month >= 9 ? year : year - 1;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The value of a computed indicator from one year's figures of a school; null when it cannot be computed. */
export function computeFromStats(source: ComputedSource, stats: Pick<SchoolYearStats, 'students' | 'teachers' | 'largestClass' | 'perStudentFunding'>): number | null {
  switch (source) {
    case 'students_per_teacher':
      // No teachers on record means no ratio, not an infinite one.
      return stats.teachers > 0 ? round2(stats.students / stats.teachers) : null;
    case 'largest_class':
      return stats.largestClass;
    case 'students':
      return stats.students;
    case 'per_student_funding':
      return round2(Number(stats.perStudentFunding));
  }
}

export interface Evaluation {
  status: IndicatorStatus;
  /** For "never lowered" indicators: the value fell below the previous year's. */
  lowered: boolean;
}

/**
 * Whether a value meets its target. at_least: value >= target; at_most: value <= target; done: value >= 1.
 * A "never lowered" indicator (生均公用经费只增不减) is off target as well when it fell below the previous year.
 */
export function evaluate(def: RuleDefinition, value: number | null | undefined, previous?: number | null): Evaluation {
  if (value === null || value === undefined) return { status: 'no_data', lowered: false };
  let meets: boolean;
  switch (def.direction) {
    case 'at_least':
      meets = value >= Number(def.target);
      break;
    case 'at_most':
      meets = value <= Number(def.target);
      break;
    case 'done':
      meets = value >= 1;
      break;
  }
  const lowered = !!def.neverLowered && previous !== null && previous !== undefined && value < previous;
  return { status: meets && !lowered ? 'on_target' : 'off_target', lowered };
}

export interface TrendPoint {
  year: number;
  value: number;
  status: IndicatorStatus;
}

export interface Trend {
  points: TrendPoint[];
  /** Latest value against the one before, read in the indicator's direction; null with fewer than two points. */
  direction: TrendDirection | null;
}

/** Every year with a value, oldest first, each with its status, and whether the latest change is for the better. */
export function trendOf(def: RuleDefinition, values: ReadonlyMap<number, number>): Trend {
  const years = [...values.keys()].sort((a, b) => a - b);
  const points = years.map((year) => {
    const value = values.get(year)!;
    return { year, value, status: evaluate(def, value, values.get(year - 1)).status };
  });
  return { points, direction: directionOf(def, points.map((p) => p.value)) };
}

/** Direction of the change between the last two values; for at_most indicators a falling value is improving. */
export function directionOf(def: Pick<RuleDefinition, 'direction'>, values: readonly number[]): TrendDirection | null {
  if (values.length < 2) return null;
  const delta = values[values.length - 1] - values[values.length - 2];
  if (Math.abs(delta) < 1e-9) return 'steady';
  const better = def.direction === 'at_most' ? delta < 0 : delta > 0;
  return better ? 'improving' : 'worsening';
}

export interface Rollup {
  total: number;
  onTarget: number;
  offTarget: number;
  noData: number;
  /** Percentage (0-100, one decimal) of members with data that are on target; null when none has data. */
  shareOnTarget: number | null;
  /** no_data when no member has data, on_target when every member with data is, off_target otherwise. */
  status: IndicatorStatus;
}

/** A county's (or the city's) view of a lower-level indicator: how many of its members are on target. */
export function rollupOf(statuses: readonly IndicatorStatus[]): Rollup {
  const onTarget = statuses.filter((s) => s === 'on_target').length;
  const offTarget = statuses.filter((s) => s === 'off_target').length;
  const withData = onTarget + offTarget;
  return {
    total: statuses.length,
    onTarget,
    offTarget,
    noData: statuses.length - withData,
    shareOnTarget: withData ? Math.round((onTarget / withData) * 1000) / 10 : null,
    status: withData === 0 ? 'no_data' : offTarget === 0 ? 'on_target' : 'off_target',
  };
}

/**
 * Whether an off-target value in `year` is a failure supervision acts on: yearly and ongoing targets always are;
 * a target set for a deadline year only from that year on (before it, being short is work in progress).
 */
export function isDue(def: Pick<IndicatorDefinition, 'cadence' | 'deadlineYear'>, year: number): boolean {
  if (def.cadence !== 'by_deadline' || def.deadlineYear === null) return true;
  return year >= def.deadlineYear;
}
