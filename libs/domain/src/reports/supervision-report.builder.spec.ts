import ExcelJS from 'exceljs';
import { breakdownOf, figuresOf } from '../dashboards/supervision-figures';
import { citySnapshot } from '../dashboards/testing/snapshot.fixture';
import { beijingTime, buildSupervisionWorkbook, REPORT_SHEETS } from './supervision-report.builder';

async function roundTrip(workbook: ExcelJS.Workbook): Promise<ExcelJS.Workbook> {
  const back = new ExcelJS.Workbook();
  await back.xlsx.load((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
  return back;
}

/** A sheet's data rows as objects keyed by the header texts. */
function rowsOf(sheet: ExcelJS.Worksheet): Record<string, unknown>[] {
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ''])));
  });
  return rows;
}

/** The overview's label -> value pairs. */
function overviewOf(sheet: ExcelJS.Worksheet): Map<string, unknown> {
  const map = new Map<string, unknown>();
  sheet.eachRow((row) => {
    const [label, value] = (row.values as unknown[]).slice(1);
    if (typeof label === 'string' && value !== undefined) map.set(label, value);
  });
  return map;
}

describe('buildSupervisionWorkbook', () => {
  const snapshot = citySnapshot();
  const figures = figuresOf(snapshot);

  it('writes the overview, the county breakdown and one sheet per record kind, with Chinese names', async () => {
    const book = await roundTrip(buildSupervisionWorkbook(snapshot, figures, breakdownOf(snapshot)));
    expect(book.worksheets.map((w) => w.name)).toEqual(['概览', '分县区汇总', '计划', '措施', '指标', '整改']);
    expect((book.getWorksheet(REPORT_SHEETS.measures)!.getRow(1).values as unknown[]).slice(1)).toEqual([
      '县区', '学校', '年度', '规划', '措施', '牵头单位', '配合单位', '关联指标', '开始日期', '完成时限', '状态', '是否逾期', '逾期天数', '审核状态', '退回理由', '办结日期', '按期办结', '佐证材料数',
    ]);
  });

  it('holds exactly the figures the dashboard computes, and the rows they come from', async () => {
    const book = await roundTrip(buildSupervisionWorkbook(snapshot, figures, breakdownOf(snapshot)));
    const overview = overviewOf(book.getWorksheet(REPORT_SHEETS.overview)!);
    expect(overview.get('统计范围')).toBe('广元市');
    expect(overview.get('统计日期')).toBe('2026-05-10');
    expect(overview.get('指标学年')).toBe('2025-2026学年');
    expect(overview.get('生成时间（北京时间）')).toBe('2026-05-10 12:30');
    expect(overview.get('措施总数')).toBe(figures.measures.measures);
    expect(overview.get('逾期措施')).toBe(figures.measures.overdue);
    expect(overview.get('措施：已办结')).toBe(2);
    expect(overview.get('按期办结率')).toBe(0.5);
    expect(overview.get('未达标指标')).toBe(1);
    expect(overview.get('整改：待整改')).toBe(2);
    expect(overview.get('逾期未整改')).toBe(1);
    expect(overview.get('帮扶：严重滞后')).toBe(1);

    const measures = rowsOf(book.getWorksheet(REPORT_SHEETS.measures)!);
    expect(measures).toHaveLength(5);
    expect(measures.filter((m) => m['是否逾期'] === '是')).toHaveLength(figures.measures.overdue);
    expect(measures.filter((m) => m['状态'] === '已办结')).toHaveLength(figures.measures.byStatus.done);
    expect(measures.filter((m) => m['按期办结'] === '是')).toHaveLength(figures.measures.doneOnTime);
    expect(measures[0]).toMatchObject({ 县区: '剑阁县', 学校: '剑州中学', 配合单位: '市教育局、市财政局', 完成时限: '2026-05-01', 逾期天数: 9 });

    expect(rowsOf(book.getWorksheet(REPORT_SHEETS.plans)!).map((p) => [p['学校'], p['措施数'], p['逾期']])).toEqual([
      ['剑州中学', 3, 1],
      ['旺苍东城中学', 2, 1],
    ]);
    const indicators = rowsOf(book.getWorksheet(REPORT_SHEETS.indicators)!);
    expect(indicators.map((i) => [i['指标代码'], i['状态'], i['达标数'], i['未达标数'], i['无数据数']])).toEqual([
      ['gross_enrolment_rate', '达标', 1, 0, 0],
      ['largest_class_size', '未达标', 1, 2, 15],
      ['security_platform', '无数据', 0, 0, 7],
    ]);
    const rects = rowsOf(book.getWorksheet(REPORT_SHEETS.rectifications)!);
    expect(rects.map((r) => r['状态'])).toEqual(['待整改', '待审核', '已办结', '待整改']);
    expect(rects.filter((r) => r['是否逾期'] === '是')).toHaveLength(1);
    expect(rowsOf(book.getWorksheet(REPORT_SHEETS.breakdownCounties)!).map((r) => [r['县区'], r['措施数'], r['未办结整改']])).toEqual([
      ['剑阁县', 3, 3],
      ['旺苍县', 2, 0],
    ]);
  });

  it('has a school breakdown for a county and none for a school', async () => {
    const county = citySnapshot();
    county.scope = { level: 'county', county: { id: 'c-a', name: '剑阁县' }, school: null };
    const countyBook = buildSupervisionWorkbook(county, figuresOf(county), breakdownOf(county));
    expect(countyBook.worksheets.map((w) => w.name)).toContain('分学校汇总');
    const school = citySnapshot();
    school.scope = { level: 'school', county: { id: 'c-a', name: '剑阁县' }, school: { id: 's-a1', name: '剑州中学' } };
    expect(buildSupervisionWorkbook(school, figuresOf(school), []).worksheets.map((w) => w.name)).toEqual(['概览', '计划', '措施', '指标', '整改']);
  });
});

describe('beijingTime', () => {
  it('shows a UTC instant as Asia/Shanghai wall time, also across midnight', () => {
    expect(beijingTime(new Date('2026-05-10T04:30:00Z'))).toBe('2026-05-10 12:30');
    expect(beijingTime(new Date('2026-12-31T16:05:00Z'))).toBe('2027-01-01 00:05');
    expect(beijingTime(null)).toBe('');
  });
});
