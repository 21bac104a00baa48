import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { shanghaiDate } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { IndicatorDefinition } from '../indicators/indicator-definition.entity';
import { Measure, MEASURE_STATUSES, MeasureStatus, ReviewState } from './measure.entity';
import { Plan, PlanStatus } from './plan.entity';
import { EvidenceFile } from './evidence-file.entity';
import { doneOnTime, overdueOf } from './measure-rules';

/** Which plans a roll-up covers. Only active plans unless `includeArchived`. */
export interface PlanRollupFilter {
  countyId?: string;
  schoolId?: string;
  term?: string;
  includeArchived?: boolean;
  /** YYYY-MM-DD in Asia/Shanghai; defaults to today. */
  today?: string;
}

export interface MeasureStats {
  plans: number;
  measures: number;
  byStatus: Record<MeasureStatus, number>;
  overdue: number;
  awaitingReview: number;
  done: number;
  /** Approved on or before the due date (Asia/Shanghai days). */
  doneOnTime: number;
  doneLate: number;
  /** doneOnTime / done, rounded to 4 places; null when nothing is done yet. */
  onTimeShare: number | null;
}

export interface MeasureStatsGroup extends MeasureStats {
  organizationId: string;
  organizationName: string;
  /** For a school group: its county; for a county group: null. */
  countyId: string | null;
}

export interface PlanReportRow {
  id: string;
  schoolId: string;
  schoolName: string;
  countyId: string | null;
  countyName: string | null;
  term: string;
  title: string;
  goals: string[];
  status: PlanStatus;
  createdAt: Date;
}

export interface MeasureReportRow {
  id: string;
  planId: string;
  planTitle: string;
  term: string;
  schoolId: string;
  schoolName: string;
  countyId: string | null;
  countyName: string | null;
  title: string;
  leadUnitId: string;
  leadUnitName: string | null;
  cooperatingUnitNames: string[];
  indicatorKeys: string[];
  startDate: string | null;
  dueDate: string;
  status: MeasureStatus;
  overdue: boolean;
  daysOverdue: number;
  reviewState: ReviewState;
  rejectionReason: string | null;
  closedAt: Date | null;
  /** closedAt as a calendar day in Asia/Shanghai. */
  closedOn: string | null;
  doneOnTime: boolean;
  evidenceCount: number;
}

interface Row {
  measure: Measure;
  plan: Plan;
  school: Organization;
}

/**
 * The read side the dashboards and the supervision report use: measures by status, overdue, share done on
 * time, per county or per school, and flat rows for spreadsheets. No access checks here: callers (dashboard
 * and report services) decide the scope and pass it as the filter.
 */
@Injectable()
export class PlansReadService {
  constructor(
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    @InjectRepository(Measure) private readonly measures: Repository<Measure>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(IndicatorDefinition) private readonly indicators: Repository<IndicatorDefinition>,
    @InjectRepository(EvidenceFile) private readonly evidence: Repository<EvidenceFile>,
  ) {}

  async measureStats(filter: PlanRollupFilter = {}): Promise<MeasureStats> {
    const today = filter.today ?? shanghaiDate();
    const plans = await this.loadPlans(filter);
    const rows = await this.loadRows(plans);
    return summarize(plans.length, rows.map((r) => r.measure), today);
  }

  /** Stats per county (city view) or per school (county view); every school/county with a plan gets a row. */
  async measureStatsBy(groupBy: 'county' | 'school', filter: PlanRollupFilter = {}): Promise<MeasureStatsGroup[]> {
    const today = filter.today ?? shanghaiDate();
    const plans = await this.loadPlans(filter);
    const rows = await this.loadRows(plans);
    const schools = await this.schoolsOf(plans);
    const keyOf = (schoolId: string) => (groupBy === 'school' ? schoolId : (schools.get(schoolId)?.countyId ?? ''));
    const groups = new Map<string, { plans: number; measures: Measure[] }>();
    for (const p of plans) {
      const g = groups.get(keyOf(p.schoolId)) ?? { plans: 0, measures: [] };
      g.plans++;
      groups.set(keyOf(p.schoolId), g);
    }
    for (const r of rows) groups.get(keyOf(r.plan.schoolId))!.measures.push(r.measure);
    const names = await this.names([...groups.keys()].filter(Boolean));
    return [...groups.entries()]
      .map(([id, g]) => ({
        organizationId: id,
        organizationName: names.get(id) ?? '',
        countyId: groupBy === 'school' ? (schools.get(id)?.countyId ?? null) : null,
        ...summarize(g.plans, g.measures, today),
      }))
      .sort((a, b) => a.organizationName.localeCompare(b.organizationName, 'zh-Hans-CN'));
  }

  async listPlans(filter: PlanRollupFilter = {}): Promise<PlanReportRow[]> {
    const plans = await this.loadPlans(filter);
    const schools = await this.schoolsOf(plans);
    const counties = await this.names([...schools.values()].map((s) => s.countyId).filter((id): id is string => !!id));
    return plans.map((p) => {
      const school = schools.get(p.schoolId);
      return {
        id: p.id,
        schoolId: p.schoolId,
        schoolName: school?.name ?? '',
        countyId: school?.countyId ?? null,
        countyName: school?.countyId ? (counties.get(school.countyId) ?? null) : null,
        term: p.term,
        title: p.title,
        goals: p.goals,
        status: p.status,
        createdAt: p.createdAt,
      };
    });
  }

  async listMeasures(filter: PlanRollupFilter = {}): Promise<MeasureReportRow[]> {
    const today = filter.today ?? shanghaiDate();
    const plans = await this.loadPlans(filter);
    const rows = await this.loadRows(plans);
    const schools = await this.schoolsOf(plans);
    const unitIds = rows.flatMap((r) => [r.measure.leadUnitId, ...r.measure.cooperatingUnitIds]);
    const names = await this.names([...unitIds, ...[...schools.values()].map((s) => s.countyId).filter((id): id is string => !!id)]);
    const indicatorKeys = new Map((await this.indicators.find({ select: { id: true, key: true } })).map((d) => [d.id, d.key]));
    const evidenceCounts = await this.evidenceCounts(rows.map((r) => r.measure.id));
    return rows.map(({ measure: m, plan, school }) => {
      const closedOn = m.closedAt ? shanghaiDate(m.closedAt) : null;
      const { overdue, daysOverdue } = overdueOf(m, today);
      return {
        id: m.id,
        planId: plan.id,
        planTitle: plan.title,
        term: plan.term,
        schoolId: school.id,
        schoolName: school.name,
        countyId: school.countyId,
        countyName: school.countyId ? (names.get(school.countyId) ?? null) : null,
        title: m.title,
        leadUnitId: m.leadUnitId,
        leadUnitName: names.get(m.leadUnitId) ?? null,
        cooperatingUnitNames: m.cooperatingUnitIds.map((id) => names.get(id)).filter((n): n is string => !!n),
        indicatorKeys: m.indicatorIds.map((id) => indicatorKeys.get(id)).filter((k): k is string => !!k),
        startDate: m.startDate,
        dueDate: m.dueDate,
        status: m.status,
        overdue,
        daysOverdue,
        reviewState: m.reviewState,
        rejectionReason: m.rejectionReason,
        closedAt: m.closedAt,
        closedOn,
        doneOnTime: doneOnTime(m, closedOn),
        evidenceCount: evidenceCounts.get(m.id) ?? 0,
      };
    });
  }

  private async loadPlans(filter: PlanRollupFilter): Promise<Plan[]> {
    const qb = this.plans.createQueryBuilder('p').innerJoin(Organization, 's', 's.id = p.schoolId');
    if (!filter.includeArchived) qb.andWhere('p.status = :active', { active: 'active' });
    if (filter.countyId) qb.andWhere('s.countyId = :countyId', { countyId: filter.countyId });
    if (filter.schoolId) qb.andWhere('p.schoolId = :schoolId', { schoolId: filter.schoolId });
    if (filter.term) qb.andWhere('p.term = :term', { term: filter.term });
    return qb.orderBy('s.name', 'ASC').addOrderBy('p.term', 'DESC').addOrderBy('p.id', 'ASC').getMany();
  }

  private async loadRows(plans: Plan[]): Promise<Row[]> {
    if (!plans.length) return [];
    const byId = new Map(plans.map((p) => [p.id, p]));
    const schools = await this.schoolsOf(plans);
    const measures: Measure[] = [];
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      measures.push(
        ...(await this.measures
          .createQueryBuilder('m')
          .where('m.planId IN (:...ids)', { ids: ids.slice(i, i + 500) })
          .orderBy('m.sortOrder', 'ASC')
          .addOrderBy('m.dueDate', 'ASC')
          .getMany()),
      );
    }
    const order = new Map(plans.map((p, i) => [p.id, i]));
    measures.sort((a, b) => order.get(a.planId)! - order.get(b.planId)! || a.sortOrder - b.sortOrder);
    return measures.map((m) => ({ measure: m, plan: byId.get(m.planId)!, school: schools.get(m.schoolId)! }));
  }

  private async schoolsOf(plans: Plan[]): Promise<Map<string, Organization>> {
    const ids = [...new Set(plans.map((p) => p.schoolId))];
    const map = new Map<string, Organization>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const o of await this.organizations.createQueryBuilder('o').where('o.id IN (:...ids)', { ids: ids.slice(i, i + 500) }).getMany()) map.set(o.id, o);
    }
    return map;
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const map = new Map<string, string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.organizations
        .createQueryBuilder('o')
        .select(['o.id', 'o.name'])
        .where('o.id IN (:...ids)', { ids: unique.slice(i, i + 500) })
        .getMany();
      for (const o of rows) map.set(o.id, o.name);
    }
    return map;
  }

  private async evidenceCounts(measureIds: string[]): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    for (let i = 0; i < measureIds.length; i += 500) {
      const rows = await this.evidence
        .createQueryBuilder('e')
        .select('e.measureId', 'measureId')
        .addSelect('COUNT(*)', 'n')
        .where('e.measureId IN (:...ids)', { ids: measureIds.slice(i, i + 500) })
        .groupBy('e.measureId')
        .getRawMany<{ measureId: string; n: string | number }>();
      for (const r of rows) map.set(r.measureId, Number(r.n));
    }
    return map;
  }
}

/** The roll-up arithmetic, shared by every grouping. */
export function summarize(plans: number, measures: Pick<Measure, 'status' | 'dueDate' | 'reviewState' | 'closedAt'>[], today: string): MeasureStats {
  const byStatus = Object.fromEntries(MEASURE_STATUSES.map((s) => [s, 0])) as Record<MeasureStatus, number>;
  let overdue = 0;
  let awaitingReview = 0;
  let onTime = 0;
  for (const m of measures) {
    byStatus[m.status]++;
    if (overdueOf(m, today).overdue) overdue++;
    if (m.reviewState === 'pending') awaitingReview++;
    if (doneOnTime(m, m.closedAt ? shanghaiDate(m.closedAt) : null)) onTime++;
  }
  const done = byStatus.done;
  return {
    plans,
    measures: measures.length,
    byStatus,
    overdue,
    awaitingReview,
    done,
    doneOnTime: onTime,
    doneLate: done - onTime,
    onTimeShare: done ? Math.round((onTime / done) * 10000) / 10000 : null,
  };
}
