import ExcelJS from 'exceljs';
import { CellValue, ImportCellError, ImportRowError, normalizeHeader, SheetData } from '../../organizations/import/organization-import.parser';
import { isCalendarDate } from '../measure-rules';

/**
 * The measures import (item 7), in two pure steps like the schools import: `parseMeasureSheet` turns cells into
 * typed rows (format errors per cell) and `resolveMeasureRows` maps unit and indicator names to ids.
 * Responsible units may be written the way the policy writes them, "市教育局，市财政局、县区人民政府": the
 * unit before the first comma leads (逗号前为牵头单位), the rest cooperate. Or in two columns 牵头单位 / 配合单位.
 */

export const MEASURE_IMPORT_MAX_ROWS = 500;

type FieldKey = 'title' | 'description' | 'responsible' | 'lead' | 'cooperating' | 'startDate' | 'dueDate' | 'indicators';

interface ColumnSpec {
  key: FieldKey;
  label: string;
  aliases: string[];
  example: string;
  hint: string;
}

export const MEASURE_IMPORT_COLUMNS: readonly ColumnSpec[] = [
  { key: 'title', label: '措施名称', aliases: ['title', '措施', '工作措施', '任务'], example: '落实生均公用经费标准', hint: '必填，200 字以内' },
  { key: 'description', label: '具体内容', aliases: ['description', '措施内容', '内容', '说明'], example: '按每生每年不低于 1000 元拨付，只增不减', hint: '可选，2000 字以内' },
  { key: 'responsible', label: '责任单位', aliases: ['responsible', 'responsibleUnits'], example: '剑阁县，市教育局、剑州中学', hint: '逗号前为牵头单位，其余为配合单位（用“、”分隔）；也可改填“牵头单位”“配合单位”两列' },
  { key: 'lead', label: '牵头单位', aliases: ['leadUnit', 'lead'], example: '', hint: '与“责任单位”二选一，填写单位全称' },
  { key: 'cooperating', label: '配合单位', aliases: ['cooperatingUnits', 'cooperating'], example: '', hint: '可选，多个单位用“、”分隔' },
  { key: 'startDate', label: '开始日期', aliases: ['startDate', '开始时间'], example: '2026-09-01', hint: '可选，如 2026-09-01' },
  { key: 'dueDate', label: '完成时限', aliases: ['dueDate', '截止日期', '完成时间', '时限'], example: '2026-12-31', hint: '必填，如 2026-12-31、2026年12月31日、2026年12月底' },
  { key: 'indicators', label: '关联指标', aliases: ['indicators', '指标'], example: 'per_student_funding', hint: '可选，指标代码或中文名称，多个用“、”分隔' },
];

const IGNORED_HEADERS = new Set(['序号', 'no', 'no.', '#', 'index']);
const HEADER_INDEX = new Map<string, ColumnSpec>();
for (const spec of MEASURE_IMPORT_COLUMNS) {
  for (const alias of [spec.label, spec.key, ...spec.aliases]) HEADER_INDEX.set(normalizeHeader(alias), spec);
}

export interface ParsedMeasureRow {
  rowNumber: number;
  title: string;
  description?: string;
  leadName: string;
  cooperatingNames: string[];
  startDate?: string;
  dueDate: string;
  indicatorNames: string[];
}

function text(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).trim();
}

/** Splits a list of unit or indicator names written with 、，,；;／/ or line breaks. */
export function splitNames(value: string): string[] {
  return [...new Set(value.split(/[、，,；;／/\n\r]+/).map((s) => s.trim()).filter(Boolean))];
}

/** "市教育局，市财政局、县区人民政府": lead before the first comma; without a comma the first name leads. */
export function splitResponsible(value: string): { lead: string; cooperating: string[] } | null {
  const trimmed = value.trim();
  const comma = trimmed.search(/[，,]/);
  const lead = (comma >= 0 ? trimmed.slice(0, comma) : splitNames(trimmed)[0] ?? '').trim();
  if (!lead) return null;
  const rest = comma >= 0 ? trimmed.slice(comma + 1) : splitNames(trimmed).slice(1).join('、');
  return { lead, cooperating: splitNames(rest).filter((n) => n !== lead) };
}

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A due date as people write it in a sheet: a date cell, an Excel serial number, 2026-12-31, 2026/12/31,
 * 2026.12.31, 2026年12月31日, 2026年12月底 / 2026年12月 (end of month), 2026年底 (end of year).
 */
export function parseSheetDate(value: CellValue): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === 'number') {
    // Excel's day 25569 is 1970-01-01; sheets without a date format hand the serial over as a number.
    if (!Number.isInteger(value) || value < 36526 || value > 73415) return null;
    return new Date((value - 25569) * 86_400_000).toISOString().slice(0, 10);
  }
  const s = text(value).replace(/\s+/g, '');
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (m) {
    const date = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
    return isCalendarDate(date) ? date : null;
  }
  m = /^(\d{4})[-/.年](\d{1,2})(?:月(?:底|末)?)?$/.exec(s);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    return `${m[1]}-${pad(month)}-${pad(lastDayOf(Number(m[1]), month))}`;
  }
  m = /^(\d{4})年(?:底|末)?$/.exec(s);
  if (m) return `${m[1]}-12-31`;
  return null;
}

export interface MeasureParseResult {
  rows: ParsedMeasureRow[];
  errors: ImportRowError[];
}

export function parseMeasureSheet(sheet: SheetData): MeasureParseResult {
  const columns = new Map<FieldKey, { index: number; header: string }>();
  const headerErrors: ImportCellError[] = [];
  sheet.header.forEach((raw, index) => {
    const header = text(raw).replace(/^\uFEFF/, '');
    const normalized = normalizeHeader(raw);
    if (!normalized || IGNORED_HEADERS.has(normalized)) return;
    const spec = HEADER_INDEX.get(normalized);
    if (!spec) headerErrors.push({ column: header, message: `无法识别的列“${header}”，请使用模板中的列名` });
    else if (columns.has(spec.key)) headerErrors.push({ column: header, message: `列“${spec.label}”重复出现` });
    else columns.set(spec.key, { index, header });
  });
  for (const key of ['title', 'dueDate'] as const) {
    const spec = MEASURE_IMPORT_COLUMNS.find((c) => c.key === key)!;
    if (!columns.has(key)) headerErrors.push({ column: spec.label, message: `缺少必填列“${spec.label}”` });
  }
  if (!columns.has('responsible') && !columns.has('lead')) {
    headerErrors.push({ column: '责任单位', message: '缺少“责任单位”列（或“牵头单位”列）' });
  }
  if (headerErrors.length) return { rows: [], errors: [{ row: 1, errors: headerErrors }] };
  if (sheet.rows.length > MEASURE_IMPORT_MAX_ROWS) {
    return { rows: [], errors: [{ row: 1, errors: [{ column: '', message: `一次最多导入 ${MEASURE_IMPORT_MAX_ROWS} 条措施` }] }] };
  }

  const label = (key: FieldKey) => columns.get(key)?.header ?? MEASURE_IMPORT_COLUMNS.find((c) => c.key === key)!.label;
  const rows: ParsedMeasureRow[] = [];
  const errors: ImportRowError[] = [];
  const seenTitles = new Map<string, number>();
  for (const { rowNumber, cells } of sheet.rows) {
    const rowErrors: ImportCellError[] = [];
    const get = (key: FieldKey): CellValue => {
      const column = columns.get(key);
      return column ? (cells[column.index] ?? null) : null;
    };
    const fail = (key: FieldKey, message: string) => rowErrors.push({ column: label(key), message });
    const bounded = (key: FieldKey, max: number): string => {
      const value = text(get(key)).replace(/[ \t]+/g, ' ');
      if (value.length > max) fail(key, `不能超过 ${max} 个字符`);
      // eslint-disable-next-line no-control-regex
      else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) fail(key, '含有无效的控制字符');
      return value;
    };

    const title = bounded('title', 200);
    if (!title) fail('title', '措施名称不能为空');
    else {
      const earlier = seenTitles.get(title);
      if (earlier !== undefined) fail('title', `与第 ${earlier} 行的措施名称重复`);
      else seenTitles.set(title, rowNumber);
    }
    const description = bounded('description', 2000);

    const responsible = bounded('responsible', 1000);
    const lead = bounded('lead', 100);
    const cooperating = bounded('cooperating', 1000);
    let leadName = '';
    let cooperatingNames: string[] = [];
    if (responsible && (lead || cooperating)) {
      fail('responsible', '请只填写“责任单位”，或只填写“牵头单位”“配合单位”，不要同时填写');
    } else if (responsible) {
      const split = splitResponsible(responsible);
      if (!split) fail('responsible', '责任单位不能为空');
      else ({ lead: leadName, cooperating: cooperatingNames } = split);
    } else if (lead) {
      leadName = lead;
      cooperatingNames = splitNames(cooperating).filter((n) => n !== lead);
    } else {
      fail(columns.has('responsible') ? 'responsible' : 'lead', '必须填写牵头单位');
    }

    const dueRaw = get('dueDate');
    let dueDate = '';
    if (text(dueRaw) === '') fail('dueDate', '完成时限不能为空');
    else {
      const parsed = parseSheetDate(dueRaw);
      if (!parsed) fail('dueDate', `“${text(dueRaw)}”不是有效的日期，请填写如 2026-12-31`);
      else dueDate = parsed;
    }
    let startDate: string | undefined;
    const startRaw = get('startDate');
    if (text(startRaw) !== '') {
      const parsed = parseSheetDate(startRaw);
      if (!parsed) fail('startDate', `“${text(startRaw)}”不是有效的日期，请填写如 2026-09-01`);
      else startDate = parsed;
    }
    if (startDate && dueDate && startDate > dueDate) fail('startDate', '开始日期不能晚于完成时限');

    const indicatorNames = splitNames(bounded('indicators', 1000));

    if (rowErrors.length) errors.push({ row: rowNumber, errors: rowErrors });
    else rows.push({ rowNumber, title, ...(description ? { description } : {}), leadName, cooperatingNames, ...(startDate ? { startDate } : {}), dueDate, indicatorNames });
  }
  return { rows, errors };
}

export interface MeasureResolveContext {
  organizationsByName: Map<string, { id: string }>;
  /** Keyed by lower-case key and by Chinese name. */
  indicatorsByName: Map<string, { id: string }>;
  existingTitles: Set<string>;
}

export interface ResolvedMeasureRow {
  rowNumber: number;
  title: string;
  description: string | null;
  leadUnitId: string;
  cooperatingUnitIds: string[];
  startDate: string | null;
  dueDate: string;
  indicatorIds: string[];
}

/** Maps names to ids; unknown units or indicators and titles the plan already has are row errors. */
export function resolveMeasureRows(rows: ParsedMeasureRow[], ctx: MeasureResolveContext): { rows: ResolvedMeasureRow[]; errors: ImportRowError[] } {
  const resolved: ResolvedMeasureRow[] = [];
  const errors: ImportRowError[] = [];
  for (const row of rows) {
    const rowErrors: ImportCellError[] = [];
    if (ctx.existingTitles.has(row.title)) rowErrors.push({ column: '措施名称', message: `规划中已有措施“${row.title}”` });
    const lead = ctx.organizationsByName.get(row.leadName);
    if (!lead) rowErrors.push({ column: '牵头单位', message: `未找到单位“${row.leadName}”，请填写单位全称` });
    const cooperatingUnitIds: string[] = [];
    for (const name of row.cooperatingNames) {
      const org = ctx.organizationsByName.get(name);
      if (!org) rowErrors.push({ column: '配合单位', message: `未找到单位“${name}”，请填写单位全称` });
      else if (org.id !== lead?.id && !cooperatingUnitIds.includes(org.id)) cooperatingUnitIds.push(org.id);
    }
    const indicatorIds: string[] = [];
    for (const name of row.indicatorNames) {
      const d = ctx.indicatorsByName.get(name) ?? ctx.indicatorsByName.get(name.toLowerCase());
      if (!d) rowErrors.push({ column: '关联指标', message: `未找到指标“${name}”` });
      else if (!indicatorIds.includes(d.id)) indicatorIds.push(d.id);
    }
    if (rowErrors.length) errors.push({ row: row.rowNumber, errors: rowErrors });
    else {
      resolved.push({
        rowNumber: row.rowNumber,
        title: row.title,
        description: row.description ?? null,
        leadUnitId: lead!.id,
        cooperatingUnitIds,
        startDate: row.startDate ?? null,
        dueDate: row.dueDate,
        indicatorIds,
      });
    }
  }
  return { rows: resolved, errors };
}

/** The template: headers, one example row and a sheet explaining each column. */
export async function buildMeasureTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('措施');
  sheet.addRow(MEASURE_IMPORT_COLUMNS.map((c) => (c.key === 'title' || c.key === 'dueDate' ? `${c.label}*` : c.label)));
  sheet.addRow(MEASURE_IMPORT_COLUMNS.map((c) => c.example));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => (column.width = 24));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const help = workbook.addWorksheet('填写说明');
  help.addRow(['列名', '英文列名', '说明']).font = { bold: true };
  for (const c of MEASURE_IMPORT_COLUMNS) help.addRow([c.label, c.key, c.hint]);
  help.addRow([]);
  help.addRow(['', '', '每行一条措施；单位名称须与平台中的单位全称一致。']);
  help.addRow(['', '', '任何一行有错误时整个文件都不会导入，请按错误提示修改后重新上传。']);
  help.columns = [{ width: 14 }, { width: 20 }, { width: 80 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
