import ExcelJS from 'exceljs';
import type { IndicatorDirection, IndicatorLevel } from '../indicators/indicator-definition.entity';
import type { IndicatorStatus } from '../indicators/indicator-rules';
import type { HealthStatus } from '../partnerships/partnership-rules';
import { HEALTH_STATUSES } from '../partnerships/partnership-rules';
import { HEALTH_LABELS } from '../partnerships/partnership-labels';
import { MEASURE_STATUSES } from '../plans/measure.entity';
import { MEASURE_STATUS_LABELS, PLAN_STATUS_LABELS, REVIEW_STATE_LABELS } from '../plans/plan-labels';
import type { RectificationSourceKind, RectificationStatus } from '../supervision/rectification.entity';
import { BreakdownRow, SupervisionFigures, SupervisionSnapshot, scopeName } from '../dashboards/supervision-figures';

/** Sheet names, fixed so readers (and the e2e spec) can find them. */
export const REPORT_SHEETS = {
  overview: '概览',
  breakdownCounties: '分县区汇总',
  breakdownSchools: '分学校汇总',
  plans: '计划',
  measures: '措施',
  indicators: '指标',
  rectifications: '整改',
} as const;

export const RECTIFICATION_STATUS_LABELS: Record<RectificationStatus, string> = { open: '待整改', submitted: '待审核', closed: '已办结' };
export const RECTIFICATION_SOURCE_LABELS: Record<RectificationSourceKind, string> = { measure: '措施逾期', indicator: '指标未达标', manual: '人工下达' };
export const INDICATOR_STATUS_LABELS: Record<IndicatorStatus, string> = { on_target: '达标', off_target: '未达标', no_data: '无数据' };
const LEVEL_LABELS: Record<IndicatorLevel, string> = { school: '学校', county: '县区', city: '市级' };
const DIRECTION_LABELS: Record<IndicatorDirection, string> = { at_least: '不低于', at_most: '不高于', done: '完成' };
const YES = '是';
const NO = '否';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const TIMESTAMP = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A timestamp as Beijing time, 'YYYY-MM-DD HH:mm' (store UTC, show Asia/Shanghai). */
export function beijingTime(at: Date | string | null): string {
  if (!at) return '';
  const parts = Object.fromEntries(TIMESTAMP.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

interface Column {
  header: string;
  key: string;
  width: number;
}

function table(workbook: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns;
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = HEADER_FILL;
  for (const row of rows) sheet.addRow(row);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

const share = (value: number | null) => (value === null ? '' : value);

/**
 * The supervision report (督导报告) of the city or a county as an .xlsx workbook: an overview with the same
 * figures the dashboard shows, the next level down, and every plan, measure, indicator and rectification row
 * the figures were computed from. Built from a SupervisionSnapshot only, so it agrees with the dashboard.
 */
export function buildSupervisionWorkbook(snapshot: SupervisionSnapshot, figures: SupervisionFigures, breakdown: BreakdownRow[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '县中协作平台';
  workbook.created = snapshot.generatedAt;
  workbook.title = `${scopeName(snapshot.scope)}县域普通高中督导报告`;

  overviewSheet(workbook, snapshot, figures);
  if (snapshot.scope.level !== 'school') breakdownSheet(workbook, snapshot, breakdown);

  const measuresPerPlan = new Map<string, { total: number; done: number; overdue: number }>();
  for (const m of snapshot.measures) {
    const c = measuresPerPlan.get(m.planId) ?? { total: 0, done: 0, overdue: 0 };
    c.total++;
    if (m.status === 'done') c.done++;
    if (m.overdue) c.overdue++;
    measuresPerPlan.set(m.planId, c);
  }
  table(
    workbook,
    REPORT_SHEETS.plans,
    [
      { header: '县区', key: 'county', width: 10 },
      { header: '学校', key: 'school', width: 22 },
      { header: '年度', key: 'term', width: 11 },
      { header: '规划名称', key: 'title', width: 36 },
      { header: '目标', key: 'goals', width: 50 },
      { header: '状态', key: 'status', width: 8 },
      { header: '措施数', key: 'measures', width: 8 },
      { header: '已办结', key: 'done', width: 8 },
      { header: '逾期', key: 'overdue', width: 8 },
      { header: '创建时间', key: 'createdAt', width: 17 },
    ],
    snapshot.plans.map((p) => ({
      county: p.countyName ?? '',
      school: p.schoolName,
      term: p.term,
      title: p.title,
      goals: p.goals.map((g, i) => `${i + 1}. ${g}`).join('\n'),
      status: PLAN_STATUS_LABELS[p.status],
      measures: measuresPerPlan.get(p.id)?.total ?? 0,
      done: measuresPerPlan.get(p.id)?.done ?? 0,
      overdue: measuresPerPlan.get(p.id)?.overdue ?? 0,
      createdAt: beijingTime(p.createdAt),
    })),
  ).getColumn('goals').alignment = { wrapText: true, vertical: 'top' };

  table(
    workbook,
    REPORT_SHEETS.measures,
    [
      { header: '县区', key: 'county', width: 10 },
      { header: '学校', key: 'school', width: 22 },
      { header: '年度', key: 'term', width: 11 },
      { header: '规划', key: 'plan', width: 30 },
      { header: '措施', key: 'title', width: 40 },
      { header: '牵头单位', key: 'lead', width: 20 },
      { header: '配合单位', key: 'cooperating', width: 30 },
      { header: '关联指标', key: 'indicators', width: 24 },
      { header: '开始日期', key: 'startDate', width: 11 },
      { header: '完成时限', key: 'dueDate', width: 11 },
      { header: '状态', key: 'status', width: 8 },
      { header: '是否逾期', key: 'overdue', width: 9 },
      { header: '逾期天数', key: 'daysOverdue', width: 9 },
      { header: '审核状态', key: 'review', width: 9 },
      { header: '退回理由', key: 'rejection', width: 30 },
      { header: '办结日期', key: 'closedOn', width: 11 },
      { header: '按期办结', key: 'onTime', width: 9 },
      { header: '佐证材料数', key: 'evidence', width: 10 },
    ],
    snapshot.measures.map((m) => ({
      county: m.countyName ?? '',
      school: m.schoolName,
      term: m.term,
      plan: m.planTitle,
      title: m.title,
      lead: m.leadUnitName ?? '',
      cooperating: m.cooperatingUnitNames.join('、'),
      indicators: m.indicatorKeys.join('、'),
      startDate: m.startDate ?? '',
      dueDate: m.dueDate,
      status: MEASURE_STATUS_LABELS[m.status],
      overdue: m.overdue ? YES : NO,
      daysOverdue: m.daysOverdue,
      review: REVIEW_STATE_LABELS[m.reviewState],
      rejection: m.rejectionReason ?? '',
      closedOn: m.closedOn ?? '',
      onTime: m.status === 'done' ? (m.doneOnTime ? YES : NO) : '',
      evidence: m.evidenceCount,
    })),
  );

  table(
    workbook,
    REPORT_SHEETS.indicators,
    [
      { header: '指标', key: 'name', width: 34 },
      { header: '指标代码', key: 'key', width: 26 },
      { header: '层级', key: 'level', width: 6 },
      { header: '口径', key: 'basis', width: 10 },
      { header: '方向', key: 'direction', width: 7 },
      { header: '目标', key: 'target', width: 8 },
      { header: '目标单位', key: 'unit', width: 9 },
      { header: '数值', key: 'value', width: 9 },
      { header: '数值单位', key: 'valueUnit', width: 9 },
      { header: '状态', key: 'status', width: 8 },
      { header: '达标数', key: 'onTarget', width: 8 },
      { header: '未达标数', key: 'offTarget', width: 9 },
      { header: '无数据数', key: 'noData', width: 9 },
    ],
    figures.indicators.items.map((i) => ({
      name: i.nameZh,
      key: i.key,
      level: LEVEL_LABELS[i.level],
      basis: i.basis === 'own' ? '本级数值' : '下级达标率',
      direction: DIRECTION_LABELS[i.direction],
      target: i.target ?? '',
      unit: i.unit,
      value: i.value ?? '',
      valueUnit: i.valueUnit,
      status: INDICATOR_STATUS_LABELS[i.status],
      onTarget: i.onTarget,
      offTarget: i.offTarget,
      noData: i.noData,
    })),
  );

  table(
    workbook,
    REPORT_SHEETS.rectifications,
    [
      { header: '县区', key: 'county', width: 10 },
      { header: '责任单位', key: 'organization', width: 22 },
      { header: '事项', key: 'title', width: 40 },
      { header: '原因', key: 'reason', width: 40 },
      { header: '来源', key: 'source', width: 10 },
      { header: '整改期限', key: 'deadline', width: 11 },
      { header: '状态', key: 'status', width: 8 },
      { header: '是否逾期', key: 'overdue', width: 9 },
      { header: '逾期天数', key: 'daysOverdue', width: 9 },
      { header: '退回理由', key: 'rejection', width: 30 },
      { header: '下达时间', key: 'createdAt', width: 17 },
      { header: '提交时间', key: 'submittedAt', width: 17 },
      { header: '办结时间', key: 'closedAt', width: 17 },
    ],
    snapshot.rectifications.map((r) => ({
      county: r.countyName ?? '',
      organization: r.organizationName ?? '',
      title: r.title,
      reason: r.reason,
      source: RECTIFICATION_SOURCE_LABELS[r.sourceKind],
      deadline: r.deadline,
      status: RECTIFICATION_STATUS_LABELS[r.status],
      overdue: r.overdue ? YES : NO,
      daysOverdue: r.daysOverdue,
      rejection: r.rejectionReason ?? '',
      createdAt: beijingTime(r.createdAt),
      submittedAt: beijingTime(r.submittedAt),
      closedAt: beijingTime(r.closedAt),
    })),
  );
  return workbook;
}

/** The overview: label in column A, value in column B, grouped under section headings. */
function overviewSheet(workbook: ExcelJS.Workbook, snapshot: SupervisionSnapshot, figures: SupervisionFigures): void {
  const sheet = workbook.addWorksheet(REPORT_SHEETS.overview);
  sheet.columns = [
    { key: 'label', width: 26 },
    { key: 'value', width: 30 },
  ];
  const title = sheet.addRow([`${scopeName(snapshot.scope)}县域普通高中督导报告`]);
  title.font = { bold: true, size: 14 };
  const section = (name: string) => {
    sheet.addRow([]);
    const row = sheet.addRow([name]);
    row.font = { bold: true };
    row.fill = HEADER_FILL;
  };
  const line = (label: string, value: string | number) => sheet.addRow([label, value]);

  line('统计范围', scopeName(snapshot.scope));
  line('统计日期', snapshot.today);
  line('指标学年', `${snapshot.year}-${snapshot.year + 1}学年`);
  line('生成时间（北京时间）', beijingTime(snapshot.generatedAt));

  const m = figures.measures;
  section('一校一策措施');
  line('执行中的规划', m.plans);
  line('措施总数', m.measures);
  for (const s of MEASURE_STATUSES) line(`措施：${MEASURE_STATUS_LABELS[s]}`, m.byStatus[s]);
  line('逾期措施', m.overdue);
  line('待审核办结', m.awaitingReview);
  line('按期办结', m.doneOnTime);
  line('逾期办结', m.doneLate);
  const rate = line('按期办结率', share(m.onTimeShare));
  rate.getCell(2).numFmt = '0.0%';

  const i = figures.indicators;
  section('指标（对照目标）');
  line('达标指标', i.summary.onTarget);
  line('未达标指标', i.summary.offTarget);
  line('无数据指标', i.summary.noData);

  const r = figures.rectifications;
  section('限期整改');
  line('整改通知总数', r.total);
  line('整改：待整改', r.open);
  line('整改：待审核', r.submitted);
  line('整改：已办结', r.closed);
  line('未办结整改', r.notClosed);
  line('逾期未整改', r.overdue);

  const p = figures.partnerships;
  section('帮扶关系');
  line('帮扶关系总数', p.total);
  for (const h of HEALTH_STATUSES as readonly HealthStatus[]) line(`帮扶：${HEALTH_LABELS[h]}`, p.byHealth[h]);

  sheet.addRow([]);
  sheet.addRow(['说明：本报告不含、也不按高考升学率或高考成绩对学校排名（严禁炒作高考升学率和高考状元）。']);
}

function breakdownSheet(workbook: ExcelJS.Workbook, snapshot: SupervisionSnapshot, breakdown: BreakdownRow[]): void {
  const city = snapshot.scope.level === 'city';
  table(
    workbook,
    city ? REPORT_SHEETS.breakdownCounties : REPORT_SHEETS.breakdownSchools,
    [
      { header: city ? '县区' : '学校', key: 'name', width: 22 },
      { header: '规划数', key: 'plans', width: 8 },
      { header: '措施数', key: 'measures', width: 8 },
      { header: '已办结', key: 'done', width: 8 },
      { header: '逾期措施', key: 'overdue', width: 9 },
      { header: '按期办结率', key: 'onTimeShare', width: 11 },
      { header: '未办结整改', key: 'rectNotClosed', width: 11 },
      { header: '逾期未整改', key: 'rectOverdue', width: 11 },
      { header: '帮扶关系', key: 'partnerships', width: 9 },
      { header: '达标指标', key: 'onTarget', width: 9 },
      { header: '未达标指标', key: 'offTarget', width: 11 },
      { header: '无数据指标', key: 'noData', width: 11 },
    ],
    breakdown.map((b) => ({
      name: b.organization.name,
      plans: b.measures.plans,
      measures: b.measures.measures,
      done: b.measures.done,
      overdue: b.measures.overdue,
      onTimeShare: share(b.measures.onTimeShare),
      rectNotClosed: b.rectifications.notClosed,
      rectOverdue: b.rectifications.overdue,
      partnerships: b.partnerships.total,
      onTarget: b.indicators.onTarget,
      offTarget: b.indicators.offTarget,
      noData: b.indicators.noData,
    })),
  ).getColumn('onTimeShare').numFmt = '0.0%';
}
