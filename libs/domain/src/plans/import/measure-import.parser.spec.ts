import ExcelJS from 'exceljs';
import { CellValue, readSpreadsheet, SheetData } from '../../organizations/import/organization-import.parser';
import { buildMeasureTemplate, parseMeasureSheet, parseSheetDate, resolveMeasureRows, splitResponsible, ParsedMeasureRow } from './measure-import.parser';

const sheet = (header: CellValue[], ...rows: CellValue[][]): SheetData => ({ header, rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })) });
const HEADER = ['序号', '措施名称', '具体内容', '责任单位', '完成时限', '关联指标'];

describe('splitResponsible (逗号前为牵头单位)', () => {
  it('leads with the unit before the first comma', () => {
    expect(splitResponsible('市教育局，市财政局、县区人民政府')).toEqual({ lead: '市教育局', cooperating: ['市财政局', '县区人民政府'] });
    expect(splitResponsible('剑阁县,市教育局')).toEqual({ lead: '剑阁县', cooperating: ['市教育局'] });
  });

  it('takes the first of a list without a comma, and a single unit alone', () => {
    expect(splitResponsible('剑州中学、剑阁县')).toEqual({ lead: '剑州中学', cooperating: ['剑阁县'] });
    expect(splitResponsible('剑州中学')).toEqual({ lead: '剑州中学', cooperating: [] });
    expect(splitResponsible('  ')).toBeNull();
  });
});

describe('parseSheetDate', () => {
  it.each([
    [new Date(Date.UTC(2026, 11, 31)), '2026-12-31'],
    [46387, '2026-12-31'],
    ['2026-12-31', '2026-12-31'],
    ['2026/9/1', '2026-09-01'],
    ['2026.09.01', '2026-09-01'],
    ['2026年9月1日', '2026-09-01'],
    ['2026年2月底', '2026-02-28'],
    ['2028年2月', '2028-02-29'],
    ['2026年底', '2026-12-31'],
  ])('reads %p as %s', (value, expected) => {
    expect(parseSheetDate(value as CellValue)).toBe(expected);
  });

  it.each(['2026-02-30', '2026年13月', '明年', '12/31/2026', 46387.5])('refuses %p', (value) => {
    expect(parseSheetDate(value as CellValue)).toBeNull();
  });
});

describe('parseMeasureSheet', () => {
  it('reads rows with the policy-style responsible units', () => {
    const result = parseMeasureSheet(sheet(HEADER, [1, '落实生均公用经费', '不低于 1000 元', '剑阁县，市教育局、剑州中学', '2026-12-31', 'per_student_funding']));
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      {
        rowNumber: 2,
        title: '落实生均公用经费',
        description: '不低于 1000 元',
        leadName: '剑阁县',
        cooperatingNames: ['市教育局', '剑州中学'],
        dueDate: '2026-12-31',
        indicatorNames: ['per_student_funding'],
      },
    ]);
  });

  it('reads separate lead / cooperating columns', () => {
    const result = parseMeasureSheet(sheet(['title', 'leadUnit', 'cooperatingUnits', 'startDate', 'dueDate'], ['控制班额', '剑州中学', '剑阁县；市教育局', '2026-09-01', '2027年7月底']));
    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ leadName: '剑州中学', cooperatingNames: ['剑阁县', '市教育局'], startDate: '2026-09-01', dueDate: '2027-07-31' });
  });

  it('reports missing columns against row 1', () => {
    const result = parseMeasureSheet(sheet(['措施名称', '备用列'], ['x']));
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      {
        row: 1,
        errors: [
          { column: '备用列', message: expect.stringContaining('无法识别') },
          { column: '完成时限', message: expect.stringContaining('缺少必填列') },
          { column: '责任单位', message: expect.stringContaining('缺少') },
        ],
      },
    ]);
  });

  it('reports every bad cell of every bad row and keeps good rows apart', () => {
    const result = parseMeasureSheet(
      sheet(
        ['措施名称', '责任单位', '牵头单位', '开始日期', '完成时限'],
        ['好措施', '剑州中学', null, null, '2026-12-31'],
        [null, null, null, '2027-01-01', '2026-12-31'],
        ['好措施', '剑州中学', '剑阁县', null, '下个月'],
        ['措施三', null, null, null, null],
      ),
    );
    expect(result.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(result.errors).toEqual([
      {
        row: 3,
        errors: [
          { column: '措施名称', message: '措施名称不能为空' },
          { column: '责任单位', message: '必须填写牵头单位' },
          { column: '开始日期', message: '开始日期不能晚于完成时限' },
        ],
      },
      {
        row: 4,
        errors: [
          { column: '措施名称', message: '与第 2 行的措施名称重复' },
          { column: '责任单位', message: expect.stringContaining('不要同时填写') },
          { column: '完成时限', message: expect.stringContaining('“下个月”不是有效的日期') },
        ],
      },
      { row: 5, errors: [{ column: '责任单位', message: '必须填写牵头单位' }, { column: '完成时限', message: '完成时限不能为空' }] },
    ]);
  });

  it('refuses overlong text', () => {
    const result = parseMeasureSheet(sheet(['措施名称', '责任单位', '完成时限'], ['措'.repeat(201), '剑州中学', '2026-12-31']));
    expect(result.errors[0].errors).toEqual([{ column: '措施名称', message: '不能超过 200 个字符' }]);
  });
});

describe('resolveMeasureRows', () => {
  const row = (rowNumber: number, over: Partial<ParsedMeasureRow> = {}): ParsedMeasureRow => ({
    rowNumber,
    title: `措施${rowNumber}`,
    leadName: '剑州中学',
    cooperatingNames: [],
    dueDate: '2026-12-31',
    indicatorNames: [],
    ...over,
  });
  const ctx = {
    organizationsByName: new Map([
      ['剑州中学', { id: 'o-jz' }],
      ['剑阁县', { id: 'o-jg' }],
      ['市教育局', { id: 'o-city' }],
    ]),
    indicatorsByName: new Map([
      ['per_student_funding', { id: 'i-psf' }],
      ['生均公用经费', { id: 'i-psf' }],
    ]),
    existingTitles: new Set(['已有措施']),
  };

  it('maps names to ids, dropping the lead from the cooperating units and repeated indicators', () => {
    const result = resolveMeasureRows([row(2, { cooperatingNames: ['剑阁县', '剑州中学', '市教育局'], indicatorNames: ['PER_STUDENT_FUNDING', '生均公用经费'] })], ctx);
    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ leadUnitId: 'o-jz', cooperatingUnitIds: ['o-jg', 'o-city'], indicatorIds: ['i-psf'], startDate: null, description: null });
  });

  it('reports unknown units and indicators and titles the plan already has', () => {
    const result = resolveMeasureRows([row(2, { title: '已有措施', leadName: '县区人民政府', cooperatingNames: ['市财政局'], indicatorNames: ['升学率'] })], ctx);
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      {
        row: 2,
        errors: [
          { column: '措施名称', message: '规划中已有措施“已有措施”' },
          { column: '牵头单位', message: expect.stringContaining('未找到单位“县区人民政府”') },
          { column: '配合单位', message: expect.stringContaining('未找到单位“市财政局”') },
          { column: '关联指标', message: '未找到指标“升学率”' },
        ],
      },
    ]);
  });
});

describe('the template', () => {
  it('is an xlsx whose example row parses cleanly', async () => {
    const buffer = await buildMeasureTemplate();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['措施', '填写说明']);
    const parsed = parseMeasureSheet(await readSpreadsheet(buffer, 'xlsx'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ title: '落实生均公用经费标准', leadName: '剑阁县', cooperatingNames: ['市教育局', '剑州中学'], dueDate: '2026-12-31' });
  });
});
