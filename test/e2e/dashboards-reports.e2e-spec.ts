import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { addDays, shanghaiDate } from '@app/platform';
import { schoolYearOf } from '@app/domain/plans/measure-rules';
import { createTestApp, TestApp } from '../utils/create-app';

/**
 * Dashboards (item 6) and the .xlsx supervision report (item 7), walking a coordinator's term on 剑州中学: a plan
 * with three measures, one past due; the supervision run flags it and opens one rectification, a second run opens
 * nothing; the school posts evidence, the county coordinator approves; at each step the dashboards move by
 * exactly what happened, and the report of the same scope, read back with exceljs, holds the dashboard's counts.
 * Runs on a shared database: assertions are on deltas and on this spec's own records.
 */

type Dashboard = any;
const today = shanghaiDate();
const term = schoolYearOf(today);
const suffix = randomBytes(3).toString('hex');

/** A sheet's data rows keyed by the header texts. */
function rowsOf(book: ExcelJS.Workbook, name: string): Record<string, any>[] {
  const sheet = book.getWorksheet(name);
  if (!sheet) throw new Error(`sheet ${name} missing; have ${book.worksheets.map((w) => w.name).join(', ')}`);
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, any>[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push(Object.fromEntries(headers.map((h, i) => [h, (row.values as unknown[])[i + 1] ?? ''])));
  });
  return rows;
}

/** The overview sheet's label -> value pairs. */
function overviewOf(book: ExcelJS.Workbook): Map<string, any> {
  const map = new Map<string, any>();
  book.getWorksheet('概览')!.eachRow((row) => {
    const [label, value] = (row.values as unknown[]).slice(1);
    if (typeof label === 'string' && value !== undefined) map.set(label, value);
  });
  return map;
}

const count = (rows: Record<string, any>[], column: string, value: unknown) => rows.filter((r) => r[column] === value).length;

/** Every count of the dashboard must be in the report of the same scope, both as an overview figure and as rows. */
function expectReportMatches(book: ExcelJS.Workbook, d: Dashboard): void {
  const overview = overviewOf(book);
  const measures = rowsOf(book, '措施');
  const plans = rowsOf(book, '计划');
  const indicators = rowsOf(book, '指标');
  const rects = rowsOf(book, '整改');
  const m = d.measures;

  expect(overview.get('统计范围')).toBe(d.scope.name);
  expect(overview.get('统计日期')).toBe(d.today);
  expect(overview.get('执行中的规划')).toBe(m.plans);
  expect(plans).toHaveLength(m.plans);
  expect(overview.get('措施总数')).toBe(m.measures);
  expect(measures).toHaveLength(m.measures);
  const statusLabels: Record<string, string> = { not_started: '未开始', in_progress: '推进中', done: '已办结', blocked: '受阻' };
  for (const [status, label] of Object.entries(statusLabels)) {
    expect(overview.get(`措施：${label}`)).toBe(m.byStatus[status]);
    expect(count(measures, '状态', label)).toBe(m.byStatus[status]);
  }
  expect(overview.get('逾期措施')).toBe(m.overdue);
  expect(count(measures, '是否逾期', '是')).toBe(m.overdue);
  expect(overview.get('待审核办结')).toBe(m.awaitingReview);
  expect(count(measures, '审核状态', '待审核')).toBe(m.awaitingReview);
  expect(overview.get('按期办结')).toBe(m.doneOnTime);
  expect(count(measures, '按期办结', '是')).toBe(m.doneOnTime);
  expect(overview.get('逾期办结')).toBe(m.doneLate);
  expect(count(measures, '按期办结', '否')).toBe(m.doneLate);
  expect(overview.get('按期办结率') === '' ? null : overview.get('按期办结率')).toBe(m.onTimeShare);

  expect(overview.get('达标指标')).toBe(d.indicators.summary.onTarget);
  expect(overview.get('未达标指标')).toBe(d.indicators.summary.offTarget);
  expect(overview.get('无数据指标')).toBe(d.indicators.summary.noData);
  expect(indicators.map((i) => [i['指标代码'], i['达标数'], i['未达标数'], i['无数据数']])).toEqual(
    d.indicators.items.map((i: any) => [i.key, i.onTarget, i.offTarget, i.noData]),
  );

  const r = d.rectifications;
  expect(overview.get('整改通知总数')).toBe(r.total);
  expect(rects).toHaveLength(r.total);
  expect(overview.get('整改：待整改')).toBe(r.open);
  expect(count(rects, '状态', '待整改')).toBe(r.open);
  expect(overview.get('整改：待审核')).toBe(r.submitted);
  expect(count(rects, '状态', '待审核')).toBe(r.submitted);
  expect(overview.get('整改：已办结')).toBe(r.closed);
  expect(count(rects, '状态', '已办结')).toBe(r.closed);
  expect(overview.get('逾期未整改')).toBe(r.overdue);
  expect(count(rects, '是否逾期', '是')).toBe(r.overdue);

  expect(overview.get('帮扶关系总数')).toBe(d.partnerships.total);
  const healthLabels: Record<string, string> = { on_track: '进展正常', at_risk: '略有滞后', behind: '严重滞后', no_data: '暂无可评估数据', inactive: '未在实施' };
  for (const [health, label] of Object.entries(healthLabels)) expect(overview.get(`帮扶：${label}`)).toBe(d.partnerships.byHealth[health]);

  const breakdown = rowsOf(book, d.scope.level === 'city' ? '分县区汇总' : '分学校汇总');
  expect(breakdown.map((b) => [b[d.scope.level === 'city' ? '县区' : '学校'], b['措施数'], b['逾期措施'], b['未办结整改'], b['帮扶关系'], b['未达标指标']])).toEqual(
    d.breakdown.map((b: any) => [b.organization.name, b.measures.measures, b.measures.overdue, b.rectifications.notClosed, b.partnerships.total, b.indicators.offTarget]),
  );
}

describe('dashboards and the supervision report', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const dashboard = async (who: string, query: Record<string, string> = {}): Promise<Dashboard> =>
    (await t.http().get('/api/v1/dashboard').query(query).set(as(who)).expect(200)).body;
  const report = async (who: string, query: Record<string, string> = {}) => {
    const res = await t
      .http()
      .get('/api/v1/reports/supervision.xlsx')
      .query(query)
      .set(as(who))
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    return { book, headers: res.headers };
  };

  async function orgId(name: string): Promise<string> {
    const res = await t.http().get('/api/v1/organizations').query({ q: name, limit: 100 }).set(as('city.admin')).expect(200);
    const found = res.body.items.find((o: { name: string }) => o.name === name);
    if (!found) throw new Error(`organization ${name} not seeded`);
    return found.id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[who] = await t.login(who);
    }
    for (const name of ['剑阁县', '旺苍县', '剑州中学', '旺苍东城中学', '市教育局']) org[name] = await orgId(name);
  });
  afterAll(() => t?.close());

  describe('a coordinator’s term on 剑州中学', () => {
    const ids: Record<string, string> = {};
    let before: Dashboard;

    const addMeasure = async (title: string, dueDate: string) =>
      (
        await t
          .http()
          .post(`/api/v1/plans/${ids.plan}/measures`)
          .set(as('county.jiange'))
          .send({ title, leadUnitId: org['剑州中学'], cooperatingUnitIds: [org['剑阁县'], org['市教育局']], dueDate })
          .expect(201)
      ).body.id as string;
    const closeWithEvidence = async (measureId: string) => {
      await t
        .http()
        .post(`/api/v1/measures/${measureId}/updates`)
        .set(as('admin.jianzhou'))
        .field('text', '已完成，附佐证材料，申请办结。')
        .field('requestClose', 'true')
        .attach('files', Buffer.from('会议纪要与照片'), { filename: '佐证材料.txt', contentType: 'text/plain' })
        .expect(201);
    };

    beforeAll(async () => {
      // A rerun on a shared database: archive whatever plan 剑州中学 has for the term, so ours can be the active one.
      const existing = await t.http().get('/api/v1/plans').query({ schoolId: org['剑州中学'], term, status: 'active' }).set(as('city.admin')).expect(200);
      for (const p of existing.body.items) await t.http().patch(`/api/v1/plans/${p.id}`).set(as('city.admin')).send({ status: 'archived' }).expect(200);
      before = await dashboard('county.jiange', { schoolId: org['剑州中学'] });
    });

    it('a new plan with three measures, one past due, shows at school, county and city level', async () => {
      const countyBefore = await dashboard('county.jiange');
      const cityBefore = await dashboard('city.admin');
      ids.plan = (await t.http().post('/api/v1/plans').set(as('county.jiange')).send({ schoolId: org['剑州中学'], term, title: `剑州中学一校一策（看板${suffix}）` }).expect(201)).body.id;
      ids.pastDue = await addMeasure(`落实生均公用经费（看板${suffix}）`, addDays(today, -7));
      ids.soon = await addMeasure(`消除大班额（看板${suffix}）`, addDays(today, 30));
      ids.later = await addMeasure(`建设智慧食堂（看板${suffix}）`, addDays(today, 60));

      const school = await dashboard('county.jiange', { schoolId: org['剑州中学'] });
      expect(school.scope).toMatchObject({ level: 'school', name: '剑州中学', school: { id: org['剑州中学'] }, county: { id: org['剑阁县'], name: '剑阁县' } });
      expect(school.measures.plans).toBe(before.measures.plans + 1);
      expect(school.measures.measures).toBe(before.measures.measures + 3);
      expect(school.measures.byStatus.not_started).toBe(before.measures.byStatus.not_started + 3);
      expect(school.measures.overdue).toBe(before.measures.overdue + 1);
      expect(school.overdueMeasures.find((m: any) => m.id === ids.pastDue)).toMatchObject({ daysOverdue: 7, schoolName: '剑州中学', leadUnitName: '剑州中学', dueDate: addDays(today, -7) });
      expect(school.breakdown).toEqual([]);

      const county = await dashboard('county.jiange');
      expect(county.scope).toMatchObject({ level: 'county', name: '剑阁县', county: { id: org['剑阁县'] }, school: null });
      expect(county.measures.measures - countyBefore.measures.measures).toBe(3);
      expect(county.measures.overdue - countyBefore.measures.overdue).toBe(1);
      const jianzhouRow = county.breakdown.find((b: any) => b.organization.id === org['剑州中学']);
      expect(jianzhouRow.measures).toEqual(school.measures);

      const city = await dashboard('city.admin');
      expect(city.scope).toMatchObject({ level: 'city', name: '广元市' });
      expect(city.measures.measures - cityBefore.measures.measures).toBe(3);
      const jiangeRow = city.breakdown.find((b: any) => b.organization.id === org['剑阁县']);
      expect(jiangeRow.measures).toEqual(county.measures);
    });

    it('the supervision run flags the past-due measure and opens one rectification; a second run opens nothing new', async () => {
      const beforeRun = await dashboard('county.jiange', { schoolId: org['剑州中学'] });
      const first = (await t.http().post('/api/v1/supervision/run').set(as('city.admin')).expect(200)).body;
      const flagged = first.flagged.filter((f: any) => f.sourceId === ids.pastDue);
      expect(flagged).toHaveLength(1);
      expect(flagged[0].opened).toBe(true);
      expect(first.flagged.some((f: any) => f.sourceId === ids.soon || f.sourceId === ids.later)).toBe(false);
      ids.rect = flagged[0].rectificationId;

      const afterFirst = await dashboard('county.jiange', { schoolId: org['剑州中学'] });
      expect(afterFirst.openRectifications.find((r: any) => r.id === ids.rect)).toMatchObject({ status: 'open', overdue: false, organizationName: '剑州中学' });
      expect(afterFirst.rectifications.open).toBeGreaterThanOrEqual(beforeRun.rectifications.open + 1);

      const second = (await t.http().post('/api/v1/supervision/run').set(as('city.admin')).expect(200)).body;
      expect(second.flagged.filter((f: any) => f.sourceId === ids.pastDue).map((f: any) => [f.opened, f.rectificationId])).toEqual([[false, ids.rect]]);
      const afterSecond = await dashboard('county.jiange', { schoolId: org['剑州中学'] });
      expect(afterSecond.rectifications).toEqual(afterFirst.rectifications);
    });

    it('evidence from the school waits for review; the county coordinator approves, late for the past-due one and on time for the other', async () => {
      const start = await dashboard('admin.jianzhou');
      expect(start.scope).toMatchObject({ level: 'school', school: { id: org['剑州中学'] } });

      await closeWithEvidence(ids.pastDue);
      await closeWithEvidence(ids.soon);
      const pending = await dashboard('admin.jianzhou');
      expect(pending.measures.awaitingReview).toBe(start.measures.awaitingReview + 2);

      for (const id of [ids.pastDue, ids.soon]) {
        await t.http().post(`/api/v1/measures/${id}/review`).set(as('county.jiange')).send({ decision: 'approve', reason: '材料齐全，同意办结。' }).expect(200);
      }
      const done = await dashboard('admin.jianzhou');
      expect(done.measures.awaitingReview).toBe(start.measures.awaitingReview);
      expect(done.measures.byStatus.done).toBe(start.measures.byStatus.done + 2);
      expect(done.measures.byStatus.not_started).toBe(start.measures.byStatus.not_started - 2);
      expect(done.measures.doneOnTime).toBe(start.measures.doneOnTime + 1);
      expect(done.measures.doneLate).toBe(start.measures.doneLate + 1);
      expect(done.measures.overdue).toBe(start.measures.overdue - 1);
      expect(done.measures.onTimeShare).toBe(Math.round((done.measures.doneOnTime / done.measures.done) * 10000) / 10000);
      expect(done.overdueMeasures.some((m: any) => m.id === ids.pastDue)).toBe(false);

      // the rectification is closed with its own evidence and review
      await t.http().post(`/api/v1/rectifications/${ids.rect}/evidence`).set(as('admin.jianzhou')).field('text', '经费已足额拨付，措施已办结。').expect(201);
      const submitted = await dashboard('admin.jianzhou');
      expect(submitted.rectifications.submitted).toBe(done.rectifications.submitted + 1);
      expect(submitted.rectifications.open).toBe(done.rectifications.open - 1);
      await t.http().post(`/api/v1/rectifications/${ids.rect}/review`).set(as('county.jiange')).send({ decision: 'approve' }).expect(200);
      const closed = await dashboard('admin.jianzhou');
      expect(closed.rectifications.closed).toBe(done.rectifications.closed + 1);
      expect(closed.rectifications.notClosed).toBe(done.rectifications.notClosed - 1);
      expect(closed.openRectifications.some((r: any) => r.id === ids.rect)).toBe(false);
    });

    it('the county report read back with exceljs holds the county dashboard’s counts and our rows', async () => {
      const d = await dashboard('county.jiange');
      const { book, headers } = await report('county.jiange');
      expect(headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const disposition = headers['content-disposition'] as string;
      expect(disposition).toMatch(/^attachment; filename="supervision-report-county-\d{4}-\d\d-\d\d\.xlsx"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).toBe(`剑阁县督导报告-${today}.xlsx`);
      expect(book.worksheets.map((w) => w.name)).toEqual(['概览', '分学校汇总', '计划', '措施', '指标', '整改']);
      expectReportMatches(book, d);

      const ours = rowsOf(book, '措施').filter((m) => String(m['措施']).includes(`看板${suffix}`));
      expect(ours.map((m) => [m['措施'], m['状态'], m['是否逾期'], m['按期办结'], m['牵头单位'], m['配合单位']])).toEqual([
        [`落实生均公用经费（看板${suffix}）`, '已办结', '否', '否', '剑州中学', '剑阁县、市教育局'],
        [`消除大班额（看板${suffix}）`, '已办结', '否', '是', '剑州中学', '剑阁县、市教育局'],
        [`建设智慧食堂（看板${suffix}）`, '未开始', '否', '', '剑州中学', '剑阁县、市教育局'],
      ]);
      const rect = rowsOf(book, '整改').filter((r) => r['县区'] === '剑阁县' && String(r['事项']).includes(`看板${suffix}`));
      expect(rect.map((r) => [r['责任单位'], r['状态'], r['来源']])).toEqual([['剑州中学', '已办结', '措施逾期']]);
    });

    it('the city report holds the city dashboard’s counts; the city admin may also ask for one county', async () => {
      expectReportMatches((await report('city.admin')).book, await dashboard('city.admin'));
      const wangcang = await report('city.admin', { countyId: org['旺苍县'] });
      expect(decodeURIComponent((wangcang.headers['content-disposition'] as string).split("UTF-8''")[1])).toBe(`旺苍县督导报告-${today}.xlsx`);
      expectReportMatches(wangcang.book, await dashboard('city.admin', { countyId: org['旺苍县'] }));
    });
  });

  describe('never a ranking', () => {
    it('lists the city’s counties and a county’s schools by name, with no gaokao field anywhere', async () => {
      const city = await dashboard('city.admin');
      const names = city.breakdown.map((b: any) => b.organization.name);
      expect(names).toEqual(expect.arrayContaining(['利州区', '昭化区', '朝天区', '旺苍县', '青川县', '剑阁县', '苍溪县']));
      expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, 'zh-Hans-CN')));
      const county = await dashboard('county.jiange');
      const schools = county.breakdown.map((b: any) => b.organization.name);
      expect(schools).toContain('剑州中学');
      expect(schools).toEqual([...schools].sort((a: string, b: string) => a.localeCompare(b, 'zh-Hans-CN')));
      // no field about gaokao results or a rank, at any depth
      const keys = (value: unknown): string[] =>
        Array.isArray(value) ? value.flatMap(keys) : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]) : [];
      for (const body of [city, county]) {
        expect(keys(body).filter((k) => /gaokao|rank|score|admission/i.test(k))).toEqual([]);
        expect(JSON.stringify(body)).not.toContain('高考');
      }
      const { book } = await report('city.admin');
      for (const sheet of book.worksheets) {
        sheet.eachRow((row) => {
          for (const v of (row.values as unknown[]).slice(1)) if (typeof v === 'string' && v.includes('高考')) expect(v).toMatch(/^说明：本报告不含/);
        });
      }
    });
  });

  describe('scope and denials', () => {
    const code = async (who: string | null, path: string, query: Record<string, string>, status: number) => {
      const req = t.http().get(path).query(query);
      if (who) req.set(as(who));
      return (await req.expect(status)).body.error.code;
    };

    it('gives each role its own scope by default', async () => {
      expect((await dashboard('city.admin')).scope.level).toBe('city');
      expect((await dashboard('county.jiange')).scope).toMatchObject({ level: 'county', county: { id: org['剑阁县'] } });
      expect((await dashboard('admin.jianzhou')).scope).toMatchObject({ level: 'school', school: { id: org['剑州中学'] } });
      expect((await dashboard('teacher.dongcheng')).scope).toMatchObject({ level: 'school', school: { id: org['旺苍东城中学'] }, county: { id: org['旺苍县'] } });
      // a mentor names a mentee school (广安烈面中学 mentors 剑州中学)
      expect((await dashboard('mentor.liemian', { schoolId: org['剑州中学'] })).scope).toMatchObject({ level: 'school', school: { id: org['剑州中学'] } });
      expect((await dashboard('city.admin', { countyId: org['旺苍县'], schoolId: org['旺苍东城中学'] })).scope.level).toBe('school');
    });

    it('denies every dashboard outside the caller’s scope', async () => {
      const D = '/api/v1/dashboard';
      expect(await code('county.jiange', D, { countyId: org['旺苍县'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('county.jiange', D, { schoolId: org['旺苍东城中学'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('admin.jianzhou', D, { countyId: org['剑阁县'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('admin.jianzhou', D, { schoolId: org['旺苍东城中学'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('teacher.jianzhou', D, { schoolId: org['旺苍东城中学'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('teacher.dongcheng', D, { schoolId: org['剑州中学'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('mentor.liemian', D, {}, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('mentor.liemian', D, { schoolId: org['旺苍东城中学'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('mentor.liemian', D, { countyId: org['剑阁县'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code(null, D, {}, 401)).toBe('AUTH_REQUIRED');
    });

    it('refuses bad dashboard input with codes', async () => {
      const D = '/api/v1/dashboard';
      expect(await code('city.admin', D, { countyId: 'not-a-uuid' }, 400)).toBe('VALIDATION_FAILED');
      expect(await code('city.admin', D, { countyId: '00000000-0000-4000-8000-000000000000' }, 404)).toBe('ORGANIZATION_NOT_FOUND');
      expect(await code('city.admin', D, { schoolId: '00000000-0000-4000-8000-000000000000' }, 404)).toBe('ORGANIZATION_NOT_FOUND');
      expect(await code('city.admin', D, { countyId: org['剑州中学'] }, 422)).toBe('ORGANIZATION_NOT_A_COUNTY');
      expect(await code('city.admin', D, { schoolId: org['剑阁县'] }, 422)).toBe('ORGANIZATION_NOT_A_SCHOOL');
      expect(await code('city.admin', D, { countyId: org['旺苍县'], schoolId: org['剑州中学'] }, 422)).toBe('DASHBOARD_SCHOOL_OUTSIDE_COUNTY');
      expect(await code('city.admin', D, { term: '2025-2026' }, 400)).toBe('VALIDATION_FAILED');
    });

    it('gives the report to the city and county coordinators only, a county coordinator only their county', async () => {
      const R = '/api/v1/reports/supervision.xlsx';
      for (const who of ['admin.jianzhou', 'teacher.jianzhou', 'mentor.liemian']) expect(await code(who, R, {}, 403)).toBe('ACCESS_DENIED');
      expect(await code('county.jiange', R, { countyId: org['旺苍县'] }, 403)).toBe('OUT_OF_SCOPE');
      expect(await code('city.admin', R, { countyId: org['剑州中学'] }, 422)).toBe('ORGANIZATION_NOT_A_COUNTY');
      expect(await code('city.admin', R, { countyId: '00000000-0000-4000-8000-000000000000' }, 404)).toBe('ORGANIZATION_NOT_FOUND');
      expect(await code('city.admin', R, { schoolId: org['剑州中学'] }, 400)).toBe('VALIDATION_FAILED');
      expect(await code(null, R, {}, 401)).toBe('AUTH_REQUIRED');
      // the county coordinator's own county, named or not
      const named = await report('county.jiange', { countyId: org['剑阁县'] });
      expect(overviewOf(named.book).get('统计范围')).toBe('剑阁县');
    });
  });
});
