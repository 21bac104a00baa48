import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../utils/create-app';

const BASE = '/api/v1/organizations';
const IMPORT = `${BASE}/import`;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['学校名称', '所属县区', '学校代码', '办学性质', '学校类型', '办学等级', '薄弱学校', '年度', '在校学生数', '班级数', '专任教师数', '最大班额', '生均公用经费'];

/** Collects a binary response body into a Buffer. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream; // in node, superagent hands the parser the raw response stream
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csv(rows: (string | number | null)[][]): Buffer {
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return Buffer.from('\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n', 'utf8');
}

/**
 * The school import: all-or-nothing validation with row/column errors, scoped by county, xlsx and csv, limits.
 * Names carry a per-run suffix because the MariaDB pass of CI shares one database between spec files.
 */
describe('organizations import', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  const codeBase = `T${String(Date.now()).slice(-8)}`;
  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const upload = (user: string, file: Buffer, filename: string, contentType = XLSX_TYPE) =>
    t.http().post(IMPORT).set(auth(user)).attach('file', file, { filename, contentType });

  async function find(q: string) {
    const res = await t.http().get(BASE).query({ q, limit: 100 }).set(auth('city.admin')).expect(200);
    return res.body.items as { id: string; name: string; countyName: string; code: string | null; isWeak: boolean; designation: string | null }[];
  }
  function rowErrors(res: Response) {
    expect(res.body.error.code).toBe('IMPORT_ROWS_INVALID');
    return res.body.error.details.rows as { row: number; errors: { column: string; message: string }[] }[];
  }

  beforeAll(async () => {
    // A small limit so the oversized-file case needs no 10 MB upload.
    t = await createTestApp({ IMPORT_MAX_BYTES: String(64 * 1024) });
    for (const user of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou']) tokens[user] = await t.login(user);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports a valid xlsx: creates schools with stats, then updates them on a second import', async () => {
    const rows = [
      HEADER,
      [`导入甲中学${suffix}`, '苍溪县', `${codeBase}01`, '公办', '县中', '省二级示范', '是', 2025, 2100, 40, 160, 58, 960],
      [`导入乙中学${suffix}`, '利州区', null, '民办', '城区', '特色-科技', '否', 2025, 1600, 34, 140, 50, 1250.5],
      [`导入丙中学${suffix}`, '青川县', null, null, null, null, null, null, null, null, null, null, null],
    ];
    const res = await upload('city.admin', await xlsx(rows), '学校导入.xlsx').expect(200);
    expect(res.body).toEqual({ created: 3, updated: 0, statsUpserted: 2, rows: 3 });

    const found = await find(`导入`);
    const jia = found.find((o) => o.name === `导入甲中学${suffix}`)!;
    expect(jia).toMatchObject({ countyName: '苍溪县', code: `${codeBase}01`, isWeak: true, designation: 'provincial_level2_model' });
    expect(found.find((o) => o.name === `导入丙中学${suffix}`)).toMatchObject({ countyName: '青川县', isWeak: false });
    const stats = await t.http().get(`${BASE}/${jia.id}/stats`).set(auth('teacher.jianzhou')).expect(200);
    expect(stats.body.items).toEqual([expect.objectContaining({ year: 2025, students: 2100, classes: 40, teachers: 160, largestClass: 58, perStudentFunding: 960 })]);

    // Matched by code, renamed, figures replaced and a second year added; blank cells keep what was there.
    const again = [
      HEADER,
      [`导入甲中学（新）${suffix}`, '苍溪县', `${codeBase}01`, null, null, null, null, 2025, 2150, 41, 165, 57, 990],
      [`导入乙中学${suffix}`, '利州区', null, null, null, null, '是', 2024, 1550, 33, 135, 51, 1200],
    ];
    const second = await upload('city.admin', await xlsx(again), 'again.xlsx').expect(200);
    expect(second.body).toEqual({ created: 0, updated: 2, statsUpserted: 2, rows: 2 });
    const renamed = (await find(`导入甲中学（新）${suffix}`))[0];
    expect(renamed).toMatchObject({ id: jia.id, isWeak: true, designation: 'provincial_level2_model' });
    const stats2 = await t.http().get(`${BASE}/${jia.id}/stats`).set(auth('city.admin')).expect(200);
    expect(stats2.body.items).toEqual([expect.objectContaining({ year: 2025, students: 2150, perStudentFunding: 990 })]);
    const yi = (await find(`导入乙中学${suffix}`))[0];
    expect(yi.isWeak).toBe(true);
    const yiStats = await t.http().get(`${BASE}/${yi.id}/stats`).set(auth('city.admin')).expect(200);
    expect(yiStats.body.items.map((s: { year: number }) => s.year)).toEqual([2024, 2025]);
  });

  it.each([
    ['xlsx', async (rows: (string | number | null)[][]) => xlsx(rows), 'bad.xlsx', XLSX_TYPE],
    ['csv', async (rows: (string | number | null)[][]) => csv(rows), 'bad.csv', 'text/csv'],
  ] as const)('imports nothing from a %s with one bad row, and names its row and column', async (format, build, filename, type) => {
    const rows = [
      HEADER,
      [`坏文件好行${format}${suffix}`, '剑阁县', null, '公办', '县中', '无', '否', 2025, 1500, 30, 120, 52, 1000],
      [],
      [`坏文件坏行${format}${suffix}`, '剑阁县', null, '公办', '县中', '无', '否', 2025, '很多', 30, 120, 52, 1000],
    ];
    const res = await upload('city.admin', await build(rows), filename, type).expect(422);
    expect(rowErrors(res)).toEqual([{ row: 4, errors: [{ column: '在校学生数', message: expect.stringContaining('不是数字') }] }]);
    expect(await find(`坏文件`)).toEqual([]);
  });

  it('accepts English headers in a csv', async () => {
    const rows = [
      ['name', 'county', 'ownership', 'isWeak', 'year', 'students', 'classes', 'teachers', 'largestClass', 'perStudentFunding'],
      [`English High ${suffix}`, '朝天区', 'public', 'yes', 2025, 1200, 25, 100, 53, 1010],
    ];
    const res = await upload('city.admin', csv(rows), 'schools.csv', 'text/csv').expect(200);
    expect(res.body).toEqual({ created: 1, updated: 0, statsUpserted: 1, rows: 1 });
    expect(await find(`English High ${suffix}`)).toEqual([expect.objectContaining({ countyName: '朝天区', isWeak: true })]);
  });

  it('lets a county admin import only rows of their own county', async () => {
    const rows = [
      HEADER,
      [`剑阁导入中学${suffix}`, '剑阁县', null, '公办', '县中', '无', '否', 2025, 1500, 30, 120, 52, 1000],
      [`旺苍导入中学${suffix}`, '旺苍县', null, '公办', '县中', '无', '否', 2025, 1500, 30, 120, 52, 1000],
      ['旺苍东城中学', '剑阁县', null, null, null, null, '否', null, null, null, null, null, null],
    ];
    const refused = await upload('county.jiange', await xlsx(rows), 'county.xlsx').expect(422);
    expect(rowErrors(refused)).toEqual([
      { row: 3, errors: [{ column: '所属县区', message: '只能导入本县区（剑阁县）的学校' }] },
      { row: 4, errors: [{ column: '学校名称', message: '“旺苍东城中学”属于其他县区，无权修改' }] },
    ]);
    expect(await find(`导入中学${suffix}`)).toEqual([]);
    expect((await find('旺苍东城中学'))[0].isWeak).toBe(true);

    const own = await upload('county.jiange', await xlsx(rows.slice(0, 2)), 'county.xlsx').expect(200);
    expect(own.body).toEqual({ created: 1, updated: 0, statsUpserted: 1, rows: 1 });
    expect(await find(`剑阁导入中学${suffix}`)).toEqual([expect.objectContaining({ countyName: '剑阁县' })]);
  });

  it('reports unknown and missing columns against the header row', async () => {
    const res = await upload('city.admin', await xlsx([['学校', '所属县区'], ['某中学', '剑阁县']]), 'header.xlsx').expect(422);
    expect(rowErrors(res)).toEqual([
      {
        row: 1,
        errors: [
          { column: '学校', message: expect.stringContaining('无法识别的列') },
          { column: '学校名称', message: expect.stringContaining('缺少必填列') },
        ],
      },
    ]);
  });

  it('refuses missing, unreadable, wrongly typed and oversized files', async () => {
    const none = await t.http().post(IMPORT).set(auth('city.admin')).field('note', 'no file').expect(400);
    expect(none.body.error.code).toBe('FILE_REQUIRED');
    const json = await t.http().post(IMPORT).set(auth('city.admin')).send({ file: 'x' }).expect(400);
    expect(json.body.error.code).toBe('FILE_REQUIRED');

    for (const [file, name, type] of [
      [Buffer.from('%PDF-1.4 not a spreadsheet'), 'schools.pdf', 'application/pdf'],
      [Buffer.from('this is not a zip'), 'schools.xlsx', XLSX_TYPE],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), 'broken.xlsx', XLSX_TYPE],
    ] as const) {
      const res = await upload('city.admin', file, name, type).expect(400);
      expect(res.body.error.code).toBe('IMPORT_INVALID_FILE');
    }

    const big = csv([HEADER, ...Array.from({ length: 2000 }, (_, i) => [`超大文件学校${i}`, '剑阁县', null, null, null, null, null, null, null, null, null, null, null])]);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const tooLarge = await upload('city.admin', big, 'big.csv', 'text/csv').expect(413);
    expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await find('超大文件学校')).toEqual([]);
  });

  it('is for city and county admins only', async () => {
    const file = await xlsx([HEADER, [`越权导入${suffix}`, '剑阁县']]);
    for (const user of ['admin.jianzhou', 'teacher.jianzhou']) {
      const res = await upload(user, file, 'x.xlsx').expect(403);
      expect(res.body.error.code).toBe('ACCESS_DENIED');
    }
  });

  it.each(['xlsx', 'csv'] as const)('serves a %s template with a Chinese filename', async (format) => {
    const res = await t.http().get(`${IMPORT}/template`).query({ format }).set(auth('county.jiange')).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain(format === 'xlsx' ? XLSX_TYPE : 'text/csv');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`学校导入模板.${format}`)}`);
    const body = res.body as Buffer;
    const workbook = new ExcelJS.Workbook();
    let header: unknown[];
    let example: unknown[];
    if (format === 'xlsx') {
      await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
      const sheet = workbook.worksheets[0];
      header = (sheet.getRow(1).values as unknown[]).slice(1);
      example = (sheet.getRow(2).values as unknown[]).slice(1);
    } else {
      expect(body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const [h, e] = body.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
      header = h.split(',');
      example = e.split(',');
    }
    expect(header.slice(0, 3)).toEqual(['学校名称*', '所属县区*', '学校代码']);
    expect(header).toEqual(expect.arrayContaining(['在校学生数', '生均公用经费', '薄弱学校']));
    expect(example[0]).toBe('广元示例中学');

    const denied = await t.http().get(`${IMPORT}/template`).set(auth('teacher.jianzhou')).expect(403);
    expect(denied.body.error.code).toBe('ACCESS_DENIED');
    const badFormat = await t.http().get(`${IMPORT}/template`).query({ format: 'pdf' }).set(auth('city.admin')).expect(400);
    expect(badFormat.body.error.code).toBe('VALIDATION_FAILED');
  });
});
