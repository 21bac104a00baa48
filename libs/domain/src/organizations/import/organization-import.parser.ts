import { Readable } from 'node:stream';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { DomainException } from '@app/platform';
import { Designation, DESIGNATIONS, Locality, LOCALITIES, OrganizationKind, Ownership, OWNERSHIPS } from '../organization.entity';
import { DESIGNATION_LABELS, KIND_LABELS, LOCALITY_LABELS, OWNERSHIP_LABELS } from '../organization-labels';
import { STATS_LIMITS } from '../stats-limits';

/**
 * The school import, in two pure steps so both can be unit-tested without a database:
 * `parseImportSheet` turns the spreadsheet's cells into typed records (format errors per cell), and
 * `resolveImportRows` checks them against the registry (counties, scope, existing schools, duplicates).
 */

export type CellValue = string | number | boolean | Date | null;

export interface SheetData {
  header: CellValue[];
  /** Data rows with their spreadsheet row numbers (the header is row 1). Blank rows are left out. */
  rows: { rowNumber: number; cells: CellValue[] }[];
}

export interface ImportCellError {
  /** The column's header as written in the file (or the expected header when the column is missing). */
  column: string;
  message: string;
}

export interface ImportRowError {
  row: number;
  errors: ImportCellError[];
}

export interface ImportStats {
  year: number;
  students: number;
  classes: number;
  teachers: number;
  largestClass: number;
  perStudentFunding: number;
  newEntryLargestClass?: number;
  researchers?: number;
  notes?: string;
}

/** One row as typed values. An optional field left blank is `undefined`: "keep what the registry has". */
export interface ImportRecord {
  name: string;
  countyName: string;
  code?: string;
  ownership?: Ownership;
  locality?: Locality;
  designation?: Designation;
  isWeak?: boolean;
  stats?: ImportStats;
}

export interface ParsedImportRow {
  rowNumber: number;
  record: ImportRecord;
}

export const IMPORT_MAX_ROWS = 5000;

type FieldKey =
  | 'name'
  | 'county'
  | 'code'
  | 'ownership'
  | 'locality'
  | 'designation'
  | 'isWeak'
  | 'year'
  | 'students'
  | 'classes'
  | 'teachers'
  | 'largestClass'
  | 'perStudentFunding'
  | 'newEntryLargestClass'
  | 'researchers'
  | 'notes';

interface ColumnSpec {
  key: FieldKey;
  /** The Chinese header the template uses. */
  label: string;
  aliases: string[];
  required?: boolean;
  /** Shown in the template's example row. */
  example: string | number;
  hint: string;
}

/** Columns in template order. Headers match ignoring case, spaces, a trailing `*` and a bracketed unit like （人）. */
export const IMPORT_COLUMNS: readonly ColumnSpec[] = [
  { key: 'name', label: '学校名称', aliases: ['name', 'schoolName', '名称'], required: true, example: '广元示例中学', hint: '必填，按学校代码（如填写）或名称更新已有学校' },
  { key: 'county', label: '所属县区', aliases: ['county', 'countyName', '县区'], required: true, example: '剑阁县', hint: '必填，广元市的县区全称，如 剑阁县、利州区' },
  { key: 'code', label: '学校代码', aliases: ['code', 'schoolCode', '学校标识码'], example: '5108230099', hint: '可选，字母、数字或连字符' },
  { key: 'ownership', label: '办学性质', aliases: ['ownership'], example: '公办', hint: '公办 / 民办' },
  { key: 'locality', label: '学校类型', aliases: ['locality'], example: '县中', hint: '县中 / 城区' },
  { key: 'designation', label: '办学等级', aliases: ['designation'], example: '无', hint: Object.values(DESIGNATION_LABELS).join(' / ') },
  { key: 'isWeak', label: '薄弱学校', aliases: ['isWeak', 'weak'], example: '否', hint: '是 / 否' },
  { key: 'year', label: '年度', aliases: ['year', '学年'], example: 2025, hint: '统计数据所属学年的起始年份，如 2025 表示 2025-2026 学年；填写统计数据时必填' },
  { key: 'students', label: '在校学生数', aliases: ['students'], example: 1800, hint: '整数' },
  { key: 'classes', label: '班级数', aliases: ['classes'], example: 36, hint: '整数' },
  { key: 'teachers', label: '专任教师数', aliases: ['teachers'], example: 150, hint: '整数' },
  { key: 'largestClass', label: '最大班额', aliases: ['largestClass'], example: 54, hint: '整数，全校人数最多的班级的人数' },
  { key: 'perStudentFunding', label: '生均公用经费', aliases: ['perStudentFunding', 'funding'], example: 1050, hint: '元/年，最多两位小数' },
  { key: 'newEntryLargestClass', label: '起始年级最大班额', aliases: ['newEntryLargestClass'], example: 52, hint: '可选，整数' },
  { key: 'researchers', label: '教研员人数', aliases: ['researchers'], example: 4, hint: '可选，整数' },
  { key: 'notes', label: '统计备注', aliases: ['notes', '备注'], example: '', hint: '可选，对该年度统计数据的说明，500 字以内' },
];

/** Columns people add for their own use; accepted and ignored. */
const IGNORED_HEADERS = new Set(['序号', 'no', 'no.', '#', 'index']);

const CORE_STATS: FieldKey[] = ['students', 'classes', 'teachers', 'largestClass', 'perStudentFunding'];
const OPTIONAL_STATS: FieldKey[] = ['newEntryLargestClass', 'researchers', 'notes'];

export function normalizeHeader(value: CellValue): string {
  return cellText(value)
    .replace(/^\uFEFF/, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s*＊:：_-]/g, '')
    .toLowerCase();
}

const HEADER_INDEX = new Map<string, ColumnSpec>();
for (const spec of IMPORT_COLUMNS) {
  for (const alias of [spec.label, spec.key, ...spec.aliases]) HEADER_INDEX.set(normalizeHeader(alias), spec);
}

/** Enum values by every spelling accepted: the Chinese label, the api value, and a few common variants. */
function enumLookup<T extends string>(values: readonly T[], labels: Record<T, string>, extra: Record<string, T> = {}): Map<string, T> {
  const map = new Map<string, T>();
  for (const v of values) {
    map.set(normalizeEnum(v), v);
    map.set(normalizeEnum(labels[v]), v);
  }
  for (const [k, v] of Object.entries(extra)) map.set(normalizeEnum(k), v);
  return map;
}
function normalizeEnum(value: string): string {
  return value.replace(/[\s（）()\-—_·・]/g, '').toLowerCase();
}
const OWNERSHIP_LOOKUP = enumLookup(OWNERSHIPS, OWNERSHIP_LABELS, { 公立: 'public', 私立: 'private' });
const LOCALITY_LOOKUP = enumLookup(LOCALITIES, LOCALITY_LABELS, { 县域: 'county', 县城: 'county', 县域高中: 'county', 城区学校: 'urban', 城市: 'urban' });
const DESIGNATION_LOOKUP = enumLookup(DESIGNATIONS, DESIGNATION_LABELS, {
  省二级示范高中: 'provincial_level2_model',
  省一级示范高中: 'provincial_level1_model',
  一般: 'none',
  普通: 'none',
});
const TRUE_WORDS = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓']);
const FALSE_WORDS = new Set(['否', 'n', 'no', 'false', '0', '×']);

function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).trim();
}

function isBlank(value: CellValue): boolean {
  return cellText(value) === '';
}

function parseNumber(value: CellValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = cellText(value).replace(/[,，\s]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

type FieldResult<T> = { value: T } | { error: string };

function parseInteger(value: CellValue, min: number, max: number): FieldResult<number> {
  const n = parseNumber(value);
  if (n === null) return { error: `“${cellText(value)}”不是数字` };
  if (!Number.isInteger(n)) return { error: '必须是整数' };
  if (n < min || n > max) return { error: `必须在 ${min} 到 ${max} 之间` };
  return { value: n };
}

function parseYear(value: CellValue): FieldResult<number> {
  // Accepts 2025, "2025", "2025学年", "2025-2026": the year a school year starts.
  const match = /^(\d{4})(?:\s*[-—~～至/]\s*\d{4})?\s*(?:学年|年度|年)?$/.exec(cellText(value));
  if (!match) return { error: `“${cellText(value)}”不是有效的年度，请填写如 2025` };
  return parseInteger(Number(match[1]), STATS_LIMITS.year.min, STATS_LIMITS.year.max);
}

function parseMoney(value: CellValue): FieldResult<number> {
  const n = parseNumber(value);
  if (n === null) return { error: `“${cellText(value)}”不是数字` };
  if (n < 0 || n > STATS_LIMITS.perStudentFunding.max) return { error: `必须在 0 到 ${STATS_LIMITS.perStudentFunding.max} 之间` };
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) return { error: '最多保留两位小数' };
  return { value: Math.round(n * 100) / 100 };
}

function parseEnum<T>(value: CellValue, lookup: Map<string, T>, labels: string[]): FieldResult<T> {
  const hit = lookup.get(normalizeEnum(cellText(value)));
  return hit === undefined ? { error: `“${cellText(value)}”无效，可选：${labels.join('、')}` } : { value: hit };
}

function parseBoolean(value: CellValue): FieldResult<boolean> {
  if (typeof value === 'boolean') return { value };
  const text = cellText(value).toLowerCase();
  if (TRUE_WORDS.has(text)) return { value: true };
  if (FALSE_WORDS.has(text)) return { value: false };
  return { error: `“${cellText(value)}”无效，请填写 是 或 否` };
}

function parseText(value: CellValue, maxLength: number, pattern?: { re: RegExp; message: string }): FieldResult<string> {
  const text = cellText(value).replace(/\s+/g, ' ');
  if (text.length > maxLength) return { error: `不能超过 ${maxLength} 个字符` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return { error: '含有无效的控制字符' };
  if (pattern && !pattern.re.test(text)) return { error: pattern.message };
  return { value: text };
}

export interface ParseResult {
  rows: ParsedImportRow[];
  errors: ImportRowError[];
}

/** Maps the header row to fields and turns each data row into a typed record, collecting every format error. */
export function parseImportSheet(sheet: SheetData): ParseResult {
  const columns = new Map<FieldKey, { index: number; header: string }>();
  const headerErrors: ImportCellError[] = [];
  sheet.header.forEach((raw, index) => {
    const header = cellText(raw).replace(/^\uFEFF/, '');
    const normalized = normalizeHeader(raw);
    if (!normalized || IGNORED_HEADERS.has(normalized)) return;
    const spec = HEADER_INDEX.get(normalized);
    if (!spec) {
      headerErrors.push({ column: header, message: `无法识别的列“${header}”，请使用模板中的列名` });
    } else if (columns.has(spec.key)) {
      headerErrors.push({ column: header, message: `列“${spec.label}”重复出现` });
    } else {
      columns.set(spec.key, { index, header });
    }
  });
  for (const spec of IMPORT_COLUMNS) {
    if (spec.required && !columns.has(spec.key)) headerErrors.push({ column: spec.label, message: `缺少必填列“${spec.label}”` });
  }
  if (headerErrors.length) return { rows: [], errors: [{ row: 1, errors: headerErrors }] };

  const rows: ParsedImportRow[] = [];
  const errors: ImportRowError[] = [];
  for (const { rowNumber, cells } of sheet.rows) {
    const rowErrors: ImportCellError[] = [];
    const get = (key: FieldKey): CellValue => {
      const column = columns.get(key);
      return column ? (cells[column.index] ?? null) : null;
    };
    const columnName = (key: FieldKey) => columns.get(key)?.header ?? IMPORT_COLUMNS.find((c) => c.key === key)!.label;
    const take = <T>(key: FieldKey, result: FieldResult<T>): T | undefined => {
      if ('error' in result) {
        rowErrors.push({ column: columnName(key), message: result.error });
        return undefined;
      }
      return result.value;
    };
    const optional = <T>(key: FieldKey, parse: (v: CellValue) => FieldResult<T>): T | undefined =>
      isBlank(get(key)) ? undefined : take(key, parse(get(key)));
    const required = <T>(key: FieldKey, parse: (v: CellValue) => FieldResult<T>, missing: string): T | undefined => {
      if (isBlank(get(key))) {
        rowErrors.push({ column: columnName(key), message: missing });
        return undefined;
      }
      return take(key, parse(get(key)));
    };

    const name = required('name', (v) => parseText(v, 100), '学校名称不能为空');
    const countyName = required('county', (v) => parseText(v, 100), '所属县区不能为空');
    const code = optional('code', (v) => parseText(typeof v === 'number' ? String(Math.trunc(v)) : v, 32, { re: /^[0-9A-Za-z-]+$/, message: '只能包含字母、数字和连字符' }));
    const ownership = optional('ownership', (v) => parseEnum(v, OWNERSHIP_LOOKUP, Object.values(OWNERSHIP_LABELS)));
    const locality = optional('locality', (v) => parseEnum(v, LOCALITY_LOOKUP, Object.values(LOCALITY_LABELS)));
    const designation = optional('designation', (v) => parseEnum(v, DESIGNATION_LOOKUP, Object.values(DESIGNATION_LABELS)));
    const isWeak = optional('isWeak', parseBoolean);

    // Stats are all-or-nothing for the core figures: a half-filled year would mislead the indicators.
    let stats: ImportStats | undefined;
    const statsGiven = [...CORE_STATS, ...OPTIONAL_STATS].some((key) => !isBlank(get(key)));
    if (statsGiven) {
      const limit = (key: keyof typeof STATS_LIMITS) => (v: CellValue) => parseInteger(v, STATS_LIMITS[key].min, STATS_LIMITS[key].max);
      const missing = '填写统计数据时此项必填';
      const year = required('year', parseYear, '填写统计数据时必须填写年度');
      const students = required('students', limit('students'), missing);
      const classes = required('classes', limit('classes'), missing);
      const teachers = required('teachers', limit('teachers'), missing);
      const largestClass = required('largestClass', limit('largestClass'), missing);
      const perStudentFunding = required('perStudentFunding', parseMoney, missing);
      const newEntryLargestClass = optional('newEntryLargestClass', limit('newEntryLargestClass'));
      const researchers = optional('researchers', limit('researchers'));
      const notes = optional('notes', (v) => parseText(v, 500));
      if (year !== undefined && students !== undefined && classes !== undefined && teachers !== undefined && largestClass !== undefined && perStudentFunding !== undefined) {
        stats = { year, students, classes, teachers, largestClass, perStudentFunding };
        if (newEntryLargestClass !== undefined) stats.newEntryLargestClass = newEntryLargestClass;
        if (researchers !== undefined) stats.researchers = researchers;
        if (notes) stats.notes = notes;
      }
    } else if (!isBlank(get('year'))) {
      take('year', parseYear(get('year'))); // a lone year is harmless, but a malformed one is still reported
    }

    if (rowErrors.length) {
      errors.push({ row: rowNumber, errors: rowErrors });
      continue;
    }
    const record: ImportRecord = { name: name!, countyName: countyName! };
    if (code !== undefined) record.code = code;
    if (ownership !== undefined) record.ownership = ownership;
    if (locality !== undefined) record.locality = locality;
    if (designation !== undefined) record.designation = designation;
    if (isWeak !== undefined) record.isWeak = isWeak;
    if (stats) record.stats = stats;
    rows.push({ rowNumber, record });
  }
  return { rows, errors };
}

/** What the registry already holds that a row may refer to. */
export interface ExistingOrganization {
  id: string;
  name: string;
  kind: OrganizationKind;
  countyId: string | null;
  code: string | null;
}

export interface ImportContext {
  counties: { id: string; name: string }[];
  /** The only county rows may belong to (a county admin's own), or null for the city. */
  allowedCountyId: string | null;
  existingByName: Map<string, ExistingOrganization>;
  existingByCode: Map<string, ExistingOrganization>;
}

export interface ResolvedImportRow extends ParsedImportRow {
  countyId: string;
  /** The school this row updates, or null to create one. */
  existingId: string | null;
}

/** Checks parsed rows against the registry and each other; every problem becomes a row error. */
export function resolveImportRows(rows: ParsedImportRow[], ctx: ImportContext): { rows: ResolvedImportRow[]; errors: ImportRowError[] } {
  const countyByName = new Map(ctx.counties.map((c) => [c.name, c]));
  const allowedCounty = ctx.allowedCountyId ? ctx.counties.find((c) => c.id === ctx.allowedCountyId) : undefined;
  const seenNames = new Map<string, number>();
  const seenCodes = new Map<string, number>();
  const seenTargets = new Map<string, number>();
  const resolved: ResolvedImportRow[] = [];
  const errors: ImportRowError[] = [];

  for (const row of rows) {
    const { record, rowNumber } = row;
    const rowErrors: ImportCellError[] = [];
    const nameColumn = '学校名称';
    const codeColumn = '学校代码';

    const county = countyByName.get(record.countyName);
    if (!county) {
      rowErrors.push({ column: '所属县区', message: `未找到县区“${record.countyName}”，可选：${ctx.counties.map((c) => c.name).join('、')}` });
    } else if (ctx.allowedCountyId && county.id !== ctx.allowedCountyId) {
      rowErrors.push({ column: '所属县区', message: `只能导入本县区（${allowedCounty?.name ?? '本县区'}）的学校` });
    }

    const earlierName = seenNames.get(record.name);
    if (earlierName !== undefined) rowErrors.push({ column: nameColumn, message: `与第 ${earlierName} 行的学校名称重复` });
    else seenNames.set(record.name, rowNumber);
    if (record.code !== undefined) {
      const earlierCode = seenCodes.get(record.code);
      if (earlierCode !== undefined) rowErrors.push({ column: codeColumn, message: `与第 ${earlierCode} 行的学校代码重复` });
      else seenCodes.set(record.code, rowNumber);
    }

    const byCode = record.code !== undefined ? ctx.existingByCode.get(record.code) : undefined;
    const byName = ctx.existingByName.get(record.name);
    if (byCode && byName && byCode.id !== byName.id) {
      rowErrors.push({ column: nameColumn, message: `学校代码 ${record.code} 属于“${byCode.name}”，而名称“${record.name}”已被另一单位使用` });
    }
    const target = byCode ?? byName;
    if (target && target.kind !== 'school') {
      rowErrors.push({ column: byCode ? codeColumn : nameColumn, message: `已存在同名或同代码的非学校单位（${KIND_LABELS[target.kind]}）` });
    } else if (target && ctx.allowedCountyId && target.countyId !== ctx.allowedCountyId) {
      rowErrors.push({ column: nameColumn, message: `“${target.name}”属于其他县区，无权修改` });
    }
    if (target) {
      const earlierTarget = seenTargets.get(target.id);
      if (earlierTarget !== undefined) rowErrors.push({ column: nameColumn, message: `与第 ${earlierTarget} 行指向同一所学校` });
      else seenTargets.set(target.id, rowNumber);
    }

    if (rowErrors.length) errors.push({ row: rowNumber, errors: rowErrors });
    else resolved.push({ ...row, countyId: county!.id, existingId: target?.id ?? null });
  }
  return { rows: resolved, errors };
}

export type SpreadsheetFormat = 'xlsx' | 'csv';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Decides the format from the file name and content; anything else is refused. */
export function detectFormat(filename: string, buffer: Buffer): SpreadsheetFormat {
  const ext = extname(filename ?? '').toLowerCase();
  const isZip = buffer.length >= 4 && buffer.subarray(0, 4).equals(ZIP_MAGIC);
  if (ext === '.xlsx' || (ext === '' && isZip)) {
    if (!isZip) throw new DomainException('IMPORT_INVALID_FILE', '文件不是有效的 .xlsx 工作簿');
    return 'xlsx';
  }
  if (ext === '.csv' || ext === '.txt') {
    if (isZip || buffer.includes(0)) throw new DomainException('IMPORT_INVALID_FILE', '文件不是有效的 .csv 文本');
    return 'csv';
  }
  if (ext === '.xls') throw new DomainException('IMPORT_INVALID_FILE', '不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后再导入');
  throw new DomainException('IMPORT_INVALID_FILE');
}

/** CSV from Excel on a Chinese Windows is often GB18030; UTF-8 (with or without BOM) is tried first. */
export function decodeCsv(buffer: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(buffer);
    } catch {
      throw new DomainException('IMPORT_INVALID_FILE', '无法识别 .csv 文件的字符编码，请保存为 UTF-8 编码');
    }
  }
  return text.replace(/^\uFEFF/, '');
}

function normalizeCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return normalizeCell((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('formula' in value || 'sharedFormula' in value) return null;
    if ('text' in value) return normalizeCell((value as { text: ExcelJS.CellValue }).text);
    if ('error' in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

/** Reads the first worksheet: row 1 is the header, blank rows are skipped, row numbers are the sheet's own. */
export async function readSpreadsheet(buffer: Buffer, format: SpreadsheetFormat): Promise<SheetData> {
  const workbook = new ExcelJS.Workbook();
  let worksheet: ExcelJS.Worksheet | undefined;
  try {
    if (format === 'xlsx') {
      await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
      worksheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0) ?? workbook.worksheets[0];
    } else {
      const text = decodeCsv(buffer);
      // Keep every value as text: the default mapper would turn a code like 0123 into 123 and dates into Date.
      worksheet = await workbook.csv.read(Readable.from([text]), { map: (value: string) => (value === '' ? null : value) });
    }
  } catch (err) {
    if (err instanceof DomainException) throw err;
    throw new DomainException('IMPORT_INVALID_FILE');
  }
  if (!worksheet || worksheet.actualRowCount === 0) throw new DomainException('IMPORT_INVALID_FILE', '文件中没有数据');

  const headerRow = worksheet.getRow(1);
  const width = headerRow.cellCount;
  const header: CellValue[] = [];
  for (let col = 1; col <= width; col++) header.push(normalizeCell(headerRow.getCell(col).value));
  const rows: SheetData['rows'] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells: CellValue[] = [];
    for (let col = 1; col <= width; col++) cells.push(normalizeCell(row.getCell(col).value));
    if (cells.every(isBlank)) return;
    rows.push({ rowNumber, cells });
  });
  if (rows.length === 0) throw new DomainException('IMPORT_INVALID_FILE', '文件中没有数据行（第 1 行为表头）');
  if (rows.length > IMPORT_MAX_ROWS) throw new DomainException('IMPORT_INVALID_FILE', `一次最多导入 ${IMPORT_MAX_ROWS} 行`);
  return { header, rows };
}

/** The import template: the headers and one example row, plus (xlsx) a sheet explaining each column. */
export async function buildImportTemplate(format: SpreadsheetFormat): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  sheet.addRow(IMPORT_COLUMNS.map((c) => (c.required ? `${c.label}*` : c.label)));
  sheet.addRow(IMPORT_COLUMNS.map((c) => c.example));
  if (format === 'csv') {
    const body = Buffer.from(await workbook.csv.writeBuffer());
    // A BOM so Excel opens the UTF-8 Chinese headers correctly.
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => (column.width = 16));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const help = workbook.addWorksheet('填写说明');
  help.addRow(['列名', '英文列名', '说明']).font = { bold: true };
  for (const c of IMPORT_COLUMNS) help.addRow([c.label, c.key, c.hint]);
  help.addRow([]);
  help.addRow(['', '', '每行一所学校：填写学校代码时按代码匹配已有学校，否则按名称匹配；匹配不到则新建。']);
  help.addRow(['', '', '任何一行有错误时整个文件都不会导入，请按错误提示修改后重新上传。']);
  help.columns = [{ width: 18 }, { width: 22 }, { width: 70 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
