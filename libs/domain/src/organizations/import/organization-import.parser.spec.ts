import ExcelJS from 'exceljs';
import { DomainException } from '@app/platform';
import {
  buildImportTemplate,
  CellValue,
  detectFormat,
  ExistingOrganization,
  ImportContext,
  parseImportSheet,
  ParsedImportRow,
  readSpreadsheet,
  resolveImportRows,
  SheetData,
} from './organization-import.parser';

const CN_HEADER = ['学校名称', '所属县区', '学校代码', '办学性质', '学校类型', '办学等级', '薄弱学校', '年度', '在校学生数', '班级数', '专任教师数', '最大班额', '生均公用经费'];
const EN_HEADER = ['name', 'county', 'code', 'ownership', 'locality', 'designation', 'isWeak', 'year', 'students', 'classes', 'teachers', 'largestClass', 'perStudentFunding'];
const GOOD_ROW: CellValue[] = ['剑州中学', '剑阁县', '5108230101', '公办', '县中', '无', '是', 2025, 2380, 42, 157, 63, 930.5];

function sheet(header: CellValue[], ...rows: CellValue[][]): SheetData {
  return { header, rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })) };
}

/** The errors of the only bad row, as `column: message` strings. */
function errorsOf(header: CellValue[], row: CellValue[]): string[] {
  const result = parseImportSheet(sheet(header, row));
  expect(result.rows).toHaveLength(0);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0].row).toBe(2);
  return result.errors[0].errors.map((e) => `${e.column}: ${e.message}`);
}

function withCell(column: string, value: CellValue): CellValue[] {
  const row = [...GOOD_ROW];
  row[CN_HEADER.indexOf(column)] = value;
  return row;
}

describe('parseImportSheet', () => {
  it('reads a full row with Chinese headers into typed values', () => {
    const result = parseImportSheet(sheet(CN_HEADER, GOOD_ROW));
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      {
        rowNumber: 2,
        record: {
          name: '剑州中学',
          countyName: '剑阁县',
          code: '5108230101',
          ownership: 'public',
          locality: 'county',
          designation: 'none',
          isWeak: true,
          stats: { year: 2025, students: 2380, classes: 42, teachers: 157, largestClass: 63, perStudentFunding: 930.5 },
        },
      },
    ]);
  });

  it('reads English headers and api values the same way', () => {
    const row = ['Jianzhou', '剑阁县', 'A-01', 'private', 'urban', 'provincial_level1_model', 'no', '2024', '1,500', '30', '120', '52', '1000'];
    const result = parseImportSheet(sheet(EN_HEADER, row));
    expect(result.errors).toEqual([]);
    expect(result.rows[0].record).toMatchObject({
      name: 'Jianzhou',
      code: 'A-01',
      ownership: 'private',
      locality: 'urban',
      designation: 'provincial_level1_model',
      isWeak: false,
      stats: { year: 2024, students: 1500, classes: 30, teachers: 120, largestClass: 52, perStudentFunding: 1000 },
    });
  });

  it('accepts header decorations (required mark, units, spaces) and designation spellings', () => {
    const header = ['学校名称*', ' 所属县区 ', '办学等级', '在校学生数（人）', '班级数', '专任教师数', '最大班额', '生均公用经费（元）', '年度', '序号'];
    const result = parseImportSheet(sheet(header, ['苍溪中学', '苍溪县', '特色（艺体）', 100, 2, 10, 50, 1000, '2025-2026学年', 1]));
    expect(result.errors).toEqual([]);
    expect(result.rows[0].record.designation).toBe('characteristic_arts_sports');
    expect(result.rows[0].record.stats?.year).toBe(2025);
  });

  it('leaves blank optional cells undefined and needs no stats columns', () => {
    const result = parseImportSheet(sheet(['学校名称', '所属县区', '学校代码', '薄弱学校'], ['新建中学', '利州区', null, '']));
    expect(result.errors).toEqual([]);
    expect(result.rows[0].record).toEqual({ name: '新建中学', countyName: '利州区' });
  });

  it('reports missing required and unknown columns against row 1', () => {
    const result = parseImportSheet(sheet(['学校名称', '学校地址', '学校名称'], ['a', 'b', 'c']));
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      {
        row: 1,
        errors: [
          { column: '学校地址', message: expect.stringContaining('无法识别的列') },
          { column: '学校名称', message: expect.stringContaining('重复') },
          { column: '所属县区', message: expect.stringContaining('缺少必填列') },
        ],
      },
    ]);
  });

  it.each([
    ['学校名称', null, '学校名称: 学校名称不能为空'],
    ['学校名称', '校'.repeat(101), '学校名称: 不能超过 100 个字符'],
    ['所属县区', '', '所属县区: 所属县区不能为空'],
    ['学校代码', '剑阁01', '学校代码: 只能包含字母、数字和连字符'],
    ['办学性质', '公私合营', '办学性质: “公私合营”无效，可选：公办、民办'],
    ['学校类型', '乡镇', '学校类型: “乡镇”无效，可选：县中、城区'],
    ['办学等级', '国家级', '办学等级: “国家级”无效'],
    ['薄弱学校', '也许', '薄弱学校: “也许”无效，请填写 是 或 否'],
    ['年度', '去年', '年度: “去年”不是有效的年度'],
    ['年度', 1999, '年度: 必须在 2000 到 2100 之间'],
    ['在校学生数', '很多', '在校学生数: “很多”不是数字'],
    ['班级数', 42.5, '班级数: 必须是整数'],
    ['专任教师数', -1, '专任教师数: 必须在 0 到 5000 之间'],
    ['最大班额', 560, '最大班额: 必须在 0 到 200 之间'],
    ['生均公用经费', 930.555, '生均公用经费: 最多保留两位小数'],
    ['生均公用经费', -5, '生均公用经费: 必须在 0 到 100000 之间'],
  ])('rejects %s = %p', (column, value, expected) => {
    const errors = errorsOf(CN_HEADER, withCell(column, value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(expected);
  });

  it('requires the year and every core figure once any figure is given', () => {
    const header = ['学校名称', '所属县区', '年度', '在校学生数', '班级数', '专任教师数', '最大班额', '生均公用经费'];
    const errors = errorsOf(header, ['剑州中学', '剑阁县', null, 2000, null, null, null, null]);
    expect(errors).toEqual([
      '年度: 填写统计数据时必须填写年度',
      '班级数: 填写统计数据时此项必填',
      '专任教师数: 填写统计数据时此项必填',
      '最大班额: 填写统计数据时此项必填',
      '生均公用经费: 填写统计数据时此项必填',
    ]);
  });

  it('reports every bad cell of a row and keeps good rows apart', () => {
    const result = parseImportSheet(sheet(CN_HEADER, GOOD_ROW, withCell('办学性质', 'x').map((v, i) => (i === 8 ? 'y' : v))));
    expect(result.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(result.errors).toEqual([{ row: 3, errors: [expect.objectContaining({ column: '办学性质' }), expect.objectContaining({ column: '在校学生数' })] }]);
  });

  it('names the column as the file wrote it', () => {
    const errors = errorsOf(EN_HEADER, ['x', '剑阁县', null, 'state', null, null, null, null, null, null, null, null, null]);
    expect(errors).toEqual([expect.stringMatching(/^ownership: /)]);
  });
});

describe('resolveImportRows', () => {
  const counties = [
    { id: 'c-jiange', name: '剑阁县' },
    { id: 'c-wangcang', name: '旺苍县' },
  ];
  const school = (id: string, name: string, countyId: string, code: string | null = null): ExistingOrganization => ({ id, name, kind: 'school', countyId, code });
  const existing = [school('s-jz', '剑州中学', 'c-jiange', '5108230101'), school('s-dc', '旺苍东城中学', 'c-wangcang'), { id: 'c-jiange', name: '剑阁县', kind: 'county' as const, countyId: null, code: null }];
  const ctx = (allowedCountyId: string | null = null): ImportContext => ({
    counties,
    allowedCountyId,
    existingByName: new Map(existing.map((o) => [o.name, o])),
    existingByCode: new Map(existing.filter((o) => o.code).map((o) => [o.code!, o])),
  });
  const row = (rowNumber: number, name: string, countyName: string, code?: string): ParsedImportRow => ({
    rowNumber,
    record: { name, countyName, ...(code ? { code } : {}) },
  });

  it('matches existing schools by code first, then by name, and creates the rest', () => {
    const result = resolveImportRows([row(2, '剑州中学（新名）', '剑阁县', '5108230101'), row(3, '旺苍东城中学', '旺苍县'), row(4, '新学校', '剑阁县')], ctx());
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.rowNumber, r.countyId, r.existingId])).toEqual([
      [2, 'c-jiange', 's-jz'],
      [3, 'c-wangcang', 's-dc'],
      [4, 'c-jiange', null],
    ]);
  });

  it('refuses unknown counties, duplicates in the file and names of non-school bodies', () => {
    const result = resolveImportRows([row(2, '甲中学', '成都市'), row(3, '乙中学', '剑阁县'), row(5, '乙中学', '剑阁县'), row(6, '剑阁县', '剑阁县')], ctx());
    expect(result.rows.map((r) => r.rowNumber)).toEqual([3]);
    expect(result.errors).toEqual([
      { row: 2, errors: [{ column: '所属县区', message: expect.stringContaining('未找到县区“成都市”') }] },
      { row: 5, errors: [{ column: '学校名称', message: '与第 3 行的学校名称重复' }] },
      { row: 6, errors: [{ column: '学校名称', message: expect.stringContaining('非学校单位') }] },
    ]);
  });

  it('refuses a code that belongs to one school with the name of another', () => {
    const result = resolveImportRows([row(2, '旺苍东城中学', '旺苍县', '5108230101')], ctx());
    expect(result.errors[0].errors[0]).toEqual({ column: '学校名称', message: expect.stringContaining('属于“剑州中学”') });
  });

  it('keeps a county admin to rows of their own county, new or existing', () => {
    const result = resolveImportRows([row(2, '剑州中学', '剑阁县'), row(3, '新学校', '旺苍县'), row(4, '旺苍东城中学', '剑阁县')], ctx('c-jiange'));
    expect(result.rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(result.errors).toEqual([
      { row: 3, errors: [{ column: '所属县区', message: '只能导入本县区（剑阁县）的学校' }] },
      { row: 4, errors: [{ column: '学校名称', message: '“旺苍东城中学”属于其他县区，无权修改' }] },
    ]);
  });
});

describe('reading files', () => {
  async function xlsxOf(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('学校');
    rows.forEach((r) => ws.addRow(r));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('reads an xlsx, keeping spreadsheet row numbers across blank rows and unwrapping rich text and formulas', async () => {
    const buffer = await xlsxOf([
      ['学校名称', '所属县区', '在校学生数', '班级数', '专任教师数', '最大班额', '生均公用经费', '年度'],
      [{ richText: [{ text: '剑州' }, { text: '中学' }] }, '剑阁县', 2380, 42, 157, 63, { formula: '900+30', result: 930 }, 2025],
      [],
      ['青川中学', '青川县', 2260, 45, 188, 54, 1180, 2025],
    ]);
    const data = await readSpreadsheet(buffer, detectFormat('学校.xlsx', buffer));
    expect(data.rows.map((r) => r.rowNumber)).toEqual([2, 4]);
    const parsed = parseImportSheet(data);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0].record).toMatchObject({ name: '剑州中学', stats: { perStudentFunding: 930 } });
  });

  it('reads a UTF-8 csv with a BOM and keeps codes as text (leading zeros)', async () => {
    const csv = '\uFEFF学校名称,所属县区,学校代码,薄弱学校\r\n剑州中学,剑阁县,0123,是\r\n\r\n"旺苍东城中学",旺苍县,,否\r\n';
    const buffer = Buffer.from(csv, 'utf8');
    const parsed = parseImportSheet(await readSpreadsheet(buffer, detectFormat('schools.csv', buffer)));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => [r.rowNumber, r.record.name, r.record.code, r.record.isWeak])).toEqual([
      [2, '剑州中学', '0123', true],
      [4, '旺苍东城中学', undefined, false],
    ]);
  });

  it('reads a GB18030 csv as Excel on Chinese Windows saves it', async () => {
    // "学校名称,所属县区\r\n剑州中学,剑阁县\r\n" in GB18030
    const gbk = Buffer.from('d1a7d0a3c3fbb3c62ccbf9caf4cfd8c7f80d0abda3d6ddd6d0d1a72cbda3b8f3cfd80d0a', 'hex');
    const parsed = parseImportSheet(await readSpreadsheet(gbk, 'csv'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0].record).toEqual({ name: '剑州中学', countyName: '剑阁县' });
  });

  it.each([
    ['old.xls', Buffer.from('d0cf11e0a1b11ae1', 'hex'), '.xls'],
    ['schools.pdf', Buffer.from('%PDF-1.4'), undefined],
    ['schools.xlsx', Buffer.from('not a zip'), 'xlsx'],
    ['schools.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'csv'],
    ['image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'csv'],
  ])('refuses %s as IMPORT_INVALID_FILE', (name, buffer, message) => {
    let error: unknown;
    try {
      detectFormat(name, buffer);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainException);
    expect((error as DomainException).code).toBe('IMPORT_INVALID_FILE');
    if (message) expect((error as DomainException).message).toContain(message);
  });

  it('refuses a zip that is not a workbook and a file with only a header', async () => {
    const zipLike = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]);
    await expect(readSpreadsheet(zipLike, 'xlsx')).rejects.toMatchObject({ code: 'IMPORT_INVALID_FILE' });
    await expect(readSpreadsheet(Buffer.from('学校名称,所属县区\n'), 'csv')).rejects.toMatchObject({ code: 'IMPORT_INVALID_FILE', message: expect.stringContaining('没有数据行') });
  });

  it.each(['xlsx', 'csv'] as const)('builds a %s template whose example row imports cleanly', async (format) => {
    const buffer = await buildImportTemplate(format);
    const parsed = parseImportSheet(await readSpreadsheet(buffer, detectFormat(`template.${format}`, buffer)));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0].record).toMatchObject({ name: '广元示例中学', countyName: '剑阁县', stats: { year: 2025, students: 1800 } });
  });
});
