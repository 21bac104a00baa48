import type { IndicatorStatusItem } from '../../indicators/indicators.dto';
import type { MeasureReportRow, PlanReportRow } from '../../plans/plans-read.service';
import type { RectificationView } from '../../supervision/supervision.dto';
import type { PartnershipHealthSummary } from '../../partnerships/partnerships.dto';
import type { SupervisionSnapshot } from '../supervision-figures';

/** A hand-made city snapshot for unit specs: two counties, three schools, known counts. */
export const TODAY = '2026-05-10';

export const COUNTY_A = { id: 'c-a', name: '剑阁县' };
export const COUNTY_B = { id: 'c-b', name: '旺苍县' };
export const SCHOOL_A1 = { id: 's-a1', name: '剑州中学', countyId: COUNTY_A.id };
export const SCHOOL_A2 = { id: 's-a2', name: '剑门关高中', countyId: COUNTY_A.id };
export const SCHOOL_B1 = { id: 's-b1', name: '旺苍东城中学', countyId: COUNTY_B.id };

const countyName = (id: string | null) => (id === COUNTY_A.id ? COUNTY_A.name : id === COUNTY_B.id ? COUNTY_B.name : null);

export function plan(id: string, school: typeof SCHOOL_A1): PlanReportRow {
  return {
    id,
    schoolId: school.id,
    schoolName: school.name,
    countyId: school.countyId,
    countyName: countyName(school.countyId),
    term: '2025-2026',
    title: `${school.name}一校一策`,
    goals: ['改善办学条件', '提升教学质量'],
    status: 'active',
    createdAt: new Date('2025-09-01T02:00:00Z'),
  };
}

export function measure(id: string, planId: string, school: typeof SCHOOL_A1, over: Partial<MeasureReportRow>): MeasureReportRow {
  const base: MeasureReportRow = {
    id,
    planId,
    planTitle: `${school.name}一校一策`,
    term: '2025-2026',
    schoolId: school.id,
    schoolName: school.name,
    countyId: school.countyId,
    countyName: countyName(school.countyId),
    title: `措施${id}`,
    leadUnitId: school.id,
    leadUnitName: school.name,
    cooperatingUnitNames: ['市教育局', '市财政局'],
    indicatorKeys: ['largest_class_size'],
    startDate: null,
    dueDate: '2026-06-30',
    status: 'in_progress',
    overdue: false,
    daysOverdue: 0,
    reviewState: 'none',
    rejectionReason: null,
    closedAt: null,
    closedOn: null,
    doneOnTime: false,
    evidenceCount: 0,
  };
  return { ...base, ...over };
}

export function rectification(id: string, school: typeof SCHOOL_A1, over: Partial<RectificationView>): RectificationView {
  return {
    id,
    organizationId: school.id,
    organizationName: school.name,
    countyId: school.countyId,
    countyName: countyName(school.countyId),
    schoolId: school.id,
    title: `整改${id}`,
    reason: '措施逾期未完成',
    deadline: '2026-05-20',
    status: 'open',
    overdue: false,
    daysOverdue: 0,
    sourceKind: 'measure',
    sourceId: null,
    issuedById: null,
    rejectionReason: null,
    submittedAt: null,
    closedAt: null,
    closedById: null,
    createdAt: new Date('2026-05-01T01:00:00Z'),
    updatedAt: new Date('2026-05-01T01:00:00Z'),
    ...over,
  };
}

function indicatorItem(over: Partial<IndicatorStatusItem>): IndicatorStatusItem {
  return {
    id: 'i',
    key: 'k',
    nameZh: '指标',
    nameEn: 'indicator',
    unit: '人',
    direction: 'at_most',
    target: 55,
    deadlineYear: 2023,
    cadence: 'by_deadline',
    level: 'school',
    computedFrom: null,
    computed: false,
    neverLowered: false,
    note: null,
    basis: 'own',
    year: 2025,
    value: null,
    valueUnit: '人',
    status: 'no_data',
    source: null,
    lowered: false,
    due: true,
    rollup: null,
    trend: { points: [], direction: null },
    ...over,
  };
}

export function citySnapshot(): SupervisionSnapshot {
  const partnerships: PartnershipHealthSummary = {
    total: 2,
    byStatus: { proposed: 0, active: 2, suspended: 0, concluded: 0 },
    byHealth: { on_track: 1, at_risk: 0, behind: 1, no_data: 0, inactive: 0 },
    items: [
      { id: 'p1', name: '广安烈面中学—剑州中学', kind: 'group_aid', status: 'active', health: 'on_track', healthLabel: '进展正常', memberSchools: [SCHOOL_A1] },
      { id: 'p2', name: '资阳安岳中学—旺苍东城中学', kind: 'group_aid', status: 'active', health: 'behind', healthLabel: '严重滞后', memberSchools: [SCHOOL_B1] },
    ],
  };
  return {
    scope: { level: 'city', county: null, school: null },
    today: TODAY,
    year: 2025,
    generatedAt: new Date('2026-05-10T04:30:00Z'),
    plans: [plan('pa1', SCHOOL_A1), plan('pb1', SCHOOL_B1)],
    measures: [
      measure('m1', 'pa1', SCHOOL_A1, { status: 'not_started', dueDate: '2026-05-01', overdue: true, daysOverdue: 9 }),
      measure('m2', 'pa1', SCHOOL_A1, {
        status: 'done',
        dueDate: '2026-04-30',
        reviewState: 'approved',
        closedAt: new Date('2026-04-29T03:00:00Z'),
        closedOn: '2026-04-29',
        doneOnTime: true,
        evidenceCount: 2,
      }),
      measure('m3', 'pa1', SCHOOL_A1, { status: 'in_progress', reviewState: 'pending', evidenceCount: 1 }),
      measure('m4', 'pb1', SCHOOL_B1, {
        status: 'done',
        dueDate: '2026-03-01',
        reviewState: 'approved',
        closedAt: new Date('2026-03-05T03:00:00Z'),
        closedOn: '2026-03-05',
        doneOnTime: false,
        evidenceCount: 1,
      }),
      measure('m5', 'pb1', SCHOOL_B1, { status: 'blocked', dueDate: '2026-02-01', overdue: true, daysOverdue: 98 }),
    ],
    indicators: {
      view: 'city',
      organization: null,
      year: 2025,
      summary: { onTarget: 1, offTarget: 1, noData: 1 },
      items: [
        indicatorItem({ key: 'gross_enrolment_rate', nameZh: '高中阶段教育毛入学率', unit: '%', valueUnit: '%', level: 'city', direction: 'at_least', target: 96, value: 97, status: 'on_target' }),
        indicatorItem({
          key: 'largest_class_size',
          nameZh: '最大班额',
          basis: 'rollup',
          valueUnit: '%',
          value: 33.3,
          status: 'off_target',
          rollup: { of: 'schools', total: 18, onTarget: 1, offTarget: 2, noData: 15, shareOnTarget: 33.3, members: [] },
        }),
        indicatorItem({ key: 'security_platform', nameZh: '县级安全指挥平台', unit: '', valueUnit: '', level: 'county', direction: 'done', target: null, basis: 'rollup', rollup: { of: 'counties', total: 7, onTarget: 0, offTarget: 0, noData: 7, shareOnTarget: null, members: [] } }),
      ],
    },
    rectifications: [
      rectification('r1', SCHOOL_A1, { status: 'open', deadline: '2026-05-05', overdue: true, daysOverdue: 5 }),
      rectification('r2', SCHOOL_A1, { status: 'submitted', submittedAt: new Date('2026-05-08T02:00:00Z') }),
      rectification('r3', SCHOOL_B1, { status: 'closed', closedAt: new Date('2026-05-09T02:00:00Z'), sourceKind: 'manual' }),
      // addressed to the county bureau itself: counts in the total and under its county, under no school
      { ...rectification('r4', SCHOOL_A1, { status: 'open', sourceKind: 'indicator' }), organizationId: COUNTY_A.id, organizationName: COUNTY_A.name, schoolId: null },
    ],
    partnerships,
    children: [
      { id: COUNTY_A.id, name: COUNTY_A.name, indicators: { onTarget: 1, offTarget: 2, noData: 11 } },
      { id: COUNTY_B.id, name: COUNTY_B.name, indicators: { onTarget: 0, offTarget: 0, noData: 14 } },
    ],
  };
}
