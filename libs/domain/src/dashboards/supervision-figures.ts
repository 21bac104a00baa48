import type { IndicatorStatusReport, IndicatorStatusSummary } from '../indicators/indicators.dto';
import type { IndicatorDirection, IndicatorLevel } from '../indicators/indicator-definition.entity';
import type { IndicatorStatus } from '../indicators/indicator-rules';
import type { PartnershipHealthSummary } from '../partnerships/partnerships.dto';
import type { HealthStatus } from '../partnerships/partnership-rules';
import { HEALTH_STATUSES } from '../partnerships/partnership-rules';
import type { PartnershipStatus } from '../partnerships/partnership.entity';
import { PARTNERSHIP_STATUSES } from '../partnerships/partnership.entity';
import { MeasureReportRow, MeasureStats, PlanReportRow, summarize } from '../plans/plans-read.service';
import type { RectificationView } from '../supervision/supervision.dto';
import type { DashboardScope } from './dashboard-scope';

/**
 * Everything a dashboard or a report of one scope is made of, read once by SupervisionSnapshotService. Every
 * number the dashboard shows and every count the .xlsx report holds is computed from these rows by the pure
 * functions below, so the two cannot disagree.
 */
export interface SupervisionSnapshot {
  scope: DashboardScope;
  /** Asia/Shanghai calendar day the overdue flags are computed for. */
  today: string;
  /** The school year (named by its start) the indicators are evaluated for. */
  year: number;
  generatedAt: Date;
  plans: PlanReportRow[];
  measures: MeasureReportRow[];
  indicators: IndicatorStatusReport;
  rectifications: RectificationView[];
  partnerships: PartnershipHealthSummary;
  /** The next level down (counties of the city, schools of a county; none for a school), ordered by name. */
  children: SnapshotChild[];
}

export interface SnapshotChild {
  id: string;
  name: string;
  indicators: IndicatorStatusSummary;
}

export interface RectificationFigures {
  total: number;
  /** Issued or sent back, waiting for the responsible unit. */
  open: number;
  /** Evidence handed in, waiting for the coordinator. */
  submitted: number;
  closed: number;
  /** open + submitted: not yet closed. */
  notClosed: number;
  /** Open and past the deadline. */
  overdue: number;
}

export interface IndicatorFigureItem {
  key: string;
  nameZh: string;
  /** The indicator's unit (of its target). */
  unit: string;
  /** The unit of `value`: the indicator's own, or '%' for a roll-up. */
  valueUnit: string;
  level: IndicatorLevel;
  direction: IndicatorDirection;
  target: number | null;
  /** own: the scope's own value; rollup: its schools or counties summarised. */
  basis: 'own' | 'rollup';
  /** own: the value; rollup: the share of members on target. */
  value: number | null;
  status: IndicatorStatus;
  /** How many values are on target, off target or missing (own: one of them is 1). */
  onTarget: number;
  offTarget: number;
  noData: number;
}

export interface IndicatorFigures {
  year: number;
  /** Indicators by status. */
  summary: IndicatorStatusSummary;
  items: IndicatorFigureItem[];
}

export interface PartnershipFigures {
  total: number;
  byStatus: Record<PartnershipStatus, number>;
  byHealth: Record<HealthStatus, number>;
}

export interface SupervisionFigures {
  measures: MeasureStats;
  indicators: IndicatorFigures;
  rectifications: RectificationFigures;
  partnerships: PartnershipFigures;
}

export interface BreakdownRow {
  organization: { id: string; name: string };
  measures: MeasureStats;
  rectifications: RectificationFigures;
  /** Partnerships with a member school here (one partnership may count under several). */
  partnerships: PartnershipFigures;
  /** Indicators of this county or school by status. */
  indicators: IndicatorStatusSummary;
}

export function figuresOf(snapshot: SupervisionSnapshot): SupervisionFigures {
  return {
    measures: summarize(snapshot.plans.length, snapshot.measures, snapshot.today),
    indicators: indicatorFigures(snapshot.indicators),
    rectifications: rectificationFigures(snapshot.rectifications),
    partnerships: partnershipFigures(snapshot.partnerships.items),
  };
}

export function rectificationFigures(rows: readonly Pick<RectificationView, 'status' | 'overdue'>[]): RectificationFigures {
  const f: RectificationFigures = { total: rows.length, open: 0, submitted: 0, closed: 0, notClosed: 0, overdue: 0 };
  for (const r of rows) {
    f[r.status]++;
    if (r.status !== 'closed') f.notClosed++;
    if (r.overdue) f.overdue++;
  }
  return f;
}

export function indicatorFigures(report: IndicatorStatusReport): IndicatorFigures {
  const items = report.items.map((item): IndicatorFigureItem => {
    const counts = item.rollup
      ? { onTarget: item.rollup.onTarget, offTarget: item.rollup.offTarget, noData: item.rollup.noData }
      : {
          onTarget: item.status === 'on_target' ? 1 : 0,
          offTarget: item.status === 'off_target' ? 1 : 0,
          noData: item.status === 'no_data' ? 1 : 0,
        };
    return {
      key: item.key,
      nameZh: item.nameZh,
      unit: item.unit,
      valueUnit: item.valueUnit,
      level: item.level,
      direction: item.direction,
      target: item.target,
      basis: item.basis,
      value: item.value,
      status: item.status,
      ...counts,
    };
  });
  const count = (s: IndicatorStatus) => items.filter((i) => i.status === s).length;
  return { year: report.year, summary: { onTarget: count('on_target'), offTarget: count('off_target'), noData: count('no_data') }, items };
}

export function partnershipFigures(items: readonly Pick<PartnershipHealthSummary['items'][number], 'status' | 'health'>[]): PartnershipFigures {
  const byStatus = Object.fromEntries(PARTNERSHIP_STATUSES.map((s) => [s, 0])) as Record<PartnershipStatus, number>;
  const byHealth = Object.fromEntries(HEALTH_STATUSES.map((s) => [s, 0])) as Record<HealthStatus, number>;
  for (const p of items) {
    byStatus[p.status]++;
    byHealth[p.health]++;
  }
  return { total: items.length, byStatus, byHealth };
}

/**
 * The next level down, from the same rows: per county for the city, per school for a county. Every child is
 * listed (zero rows included), in name order — never ranked by any result.
 */
export function breakdownOf(snapshot: SupervisionSnapshot): BreakdownRow[] {
  const level = snapshot.scope.level;
  if (level === 'school') return [];
  const plansKey = (p: PlanReportRow) => (level === 'city' ? p.countyId : p.schoolId);
  const measureKey = (m: MeasureReportRow) => (level === 'city' ? m.countyId : m.schoolId);
  // An order concerns the school it is about, or the school it is addressed to.
  const rectKey = (r: RectificationView) => (level === 'city' ? r.countyId : (r.schoolId ?? r.organizationId));
  const inChild = (p: PartnershipHealthSummary['items'][number], childId: string) =>
    p.memberSchools.some((s) => (level === 'city' ? s.countyId === childId : s.id === childId));
  return snapshot.children.map((child) => ({
    organization: { id: child.id, name: child.name },
    measures: summarize(
      snapshot.plans.filter((p) => plansKey(p) === child.id).length,
      snapshot.measures.filter((m) => measureKey(m) === child.id),
      snapshot.today,
    ),
    rectifications: rectificationFigures(snapshot.rectifications.filter((r) => rectKey(r) === child.id)),
    partnerships: partnershipFigures(snapshot.partnerships.items.filter((p) => inChild(p, child.id))),
    indicators: child.indicators,
  }));
}

/** Chinese name of the scope for titles and file names: 广元市, 剑阁县, 剑州中学. */
export function scopeName(scope: DashboardScope): string {
  if (scope.level === 'school') return scope.school!.name;
  if (scope.level === 'county') return scope.county!.name;
  return '广元市';
}
