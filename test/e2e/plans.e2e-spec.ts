import { createHash, randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { addDays, shanghaiDate } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { MeasuresService, PlansReadService, schoolYearOf } from '@app/domain';
import { EvidenceFile } from '@app/domain/plans/evidence-file.entity';
import { ProgressUpdate } from '@app/domain/plans/progress-update.entity';
import { createTestApp, TestApp } from '../utils/create-app';

/**
 * 一校一策 through the HTTP api as the demo users: plans, measures, progress with evidence in object storage,
 * close requests with sign-off or rejection, the measures import, and every denial of item 9.
 * The database may be shared with other specs (CI's real-services pass), so plans are made with archive-first
 * helpers and assertions are about this spec's own records.
 */
describe('plans (一校一策)', () => {
  const EVIDENCE_MAX_BYTES = 64 * 1024;
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const today = shanghaiDate();
  const term = schoolYearOf(today);
  let planId: string;
  const measure: Record<'pastDue' | 'future' | 'third', string> = { pastDue: '', future: '', third: '' };
  let indicatorId: string;

  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const get = (user: string, path: string) => t.http().get(path).set(auth(user));
  const post = (user: string, path: string, body?: object) => t.http().post(path).set(auth(user)).send(body);
  const patch = (user: string, path: string, body: object) => t.http().patch(path).set(auth(user)).send(body);

  async function orgId(name: string): Promise<string> {
    const res = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 50 }).expect(200);
    const found = res.body.items.find((o: { name: string }) => o.name === name);
    if (!found) throw new Error(`organization ${name} not seeded`);
    return found.id;
  }

  /** Archives whatever active plan the school has for the term (a rerun on a shared database), then creates one. */
  async function freshPlan(schoolId: string, planTerm: string, title: string, as = 'county.jiange'): Promise<string> {
    const existing = await get('city.admin', '/api/v1/plans').query({ schoolId, term: planTerm, status: 'active' }).expect(200);
    for (const p of existing.body.items) await patch('city.admin', `/api/v1/plans/${p.id}`, { status: 'archived' }).expect(200);
    const res = await post(as, '/api/v1/plans', { schoolId, term: planTerm, title }).expect(201);
    return res.body.id;
  }

  async function evidenceKeys(measureId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of t.app.get(ObjectStorage).list(`evidence/${measureId}/`)) keys.push(o.key);
    return keys;
  }

  beforeAll(async () => {
    t = await createTestApp({ EVIDENCE_MAX_BYTES: String(EVIDENCE_MAX_BYTES) });
    for (const u of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[u] = await t.login(u);
    }
    for (const name of ['剑州中学', '旺苍东城中学', '剑阁县', '旺苍县', '市教育局', '广安烈面中学']) org[name] = await orgId(name);
    const indicators = await get('city.admin', '/api/v1/indicators').expect(200);
    const items = (indicators.body.items ?? indicators.body) as { id: string; key: string }[];
    indicatorId = items.find((d) => d.key === 'per_student_funding')!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('plans', () => {
    it('a county coordinator creates 剑州中学’s plan for the term; a second active one is refused', async () => {
      planId = await freshPlan(org['剑州中学'], term, `剑州中学一校一策（${term}）`);
      const res = await get('county.jiange', `/api/v1/plans/${planId}`).expect(200);
      expect(res.body).toMatchObject({
        id: planId,
        schoolId: org['剑州中学'],
        school: { name: '剑州中学', countyId: org['剑阁县'], countyName: '剑阁县' },
        term,
        status: 'active',
        goals: [],
        measures: [],
        permissions: { read: true, comment: true, edit: true, supervise: true },
      });
      const again = await post('admin.jianzhou', '/api/v1/plans', { schoolId: org['剑州中学'], term, title: '重复' }).expect(409);
      expect(again.body.error).toMatchObject({ code: 'PLAN_ACTIVE_EXISTS', details: { planId } });
    });

    it('refuses a term out of order, an unknown school and a non-school', async () => {
      const reversed = await post('city.admin', '/api/v1/plans', { schoolId: org['剑州中学'], term: '2027-2026', title: 'x' }).expect(422);
      expect(reversed.body.error.code).toBe('PLAN_TERM_INVALID');
      const badFormat = await post('city.admin', '/api/v1/plans', { schoolId: org['剑州中学'], term: '2026', title: 'x' }).expect(400);
      expect(badFormat.body.error.code).toBe('VALIDATION_FAILED');
      const unknown = await post('city.admin', '/api/v1/plans', { schoolId: '00000000-0000-4000-8000-000000000000', term: '2040-2041', title: 'x' }).expect(404);
      expect(unknown.body.error.code).toBe('ORGANIZATION_NOT_FOUND');
      const county = await post('city.admin', '/api/v1/plans', { schoolId: org['剑阁县'], term: '2040-2041', title: 'x' }).expect(422);
      expect(county.body.error.code).toBe('PLAN_SCHOOL_INVALID');
    });

    it('lets only the school’s own admin, its county or the city create it', async () => {
      const body = { schoolId: org['剑州中学'], term: '2041-2042', title: 'x' };
      expect((await post('admin.dongcheng', '/api/v1/plans', body).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post('teacher.jianzhou', '/api/v1/plans', body).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await post('mentor.liemian', '/api/v1/plans', body).expect(403)).body.error.code).toBe('ACCESS_DENIED');
    });

    it('edits goals; archiving is for the county or the city, and an archived plan is read-only', async () => {
      const goals = ['师生比达到 1:12.5', '起始年级班额不超过 55 人'];
      const edited = await patch('admin.jianzhou', `/api/v1/plans/${planId}`, { goals }).expect(200);
      expect(edited.body.goals).toEqual(goals);
      const denied = await patch('admin.jianzhou', `/api/v1/plans/${planId}`, { status: 'archived' }).expect(403);
      expect(denied.body.error.code).toBe('ACCESS_DENIED');

      const oldId = await freshPlan(org['剑州中学'], '2031-2032', '待归档的规划');
      await patch('county.jiange', `/api/v1/plans/${oldId}`, { status: 'archived' }).expect(200);
      const locked = await patch('county.jiange', `/api/v1/plans/${oldId}`, { title: '改名' }).expect(409);
      expect(locked.body.error.code).toBe('PLAN_ARCHIVED');
      const noMeasure = await post('county.jiange', `/api/v1/plans/${oldId}/measures`, {
        title: 'x',
        leadUnitId: org['剑州中学'],
        cooperatingUnitIds: [],
        dueDate: today,
      }).expect(409);
      expect(noMeasure.body.error.code).toBe('PLAN_ARCHIVED');
      // A new plan for the term is allowed once the old one is archived; the old one cannot come back then.
      await post('county.jiange', '/api/v1/plans', { schoolId: org['剑州中学'], term: '2031-2032', title: '新规划' }).expect(201);
      const restore = await patch('city.admin', `/api/v1/plans/${oldId}`, { status: 'active' }).expect(409);
      expect(restore.body.error.code).toBe('PLAN_ACTIVE_EXISTS');
    });
  });

  describe('measures', () => {
    it('adds three measures, one past due, with lead and cooperating units (government units included) and an indicator', async () => {
      const pastDue = await post('county.jiange', `/api/v1/plans/${planId}/measures`, {
        title: '落实生均公用经费不低于1000元',
        leadUnitId: org['剑阁县'],
        cooperatingUnitIds: [org['市教育局'], org['剑州中学']],
        dueDate: addDays(today, -10),
        indicatorIds: [indicatorId],
      }).expect(201);
      expect(pastDue.body).toMatchObject({
        status: 'not_started',
        overdue: true,
        daysOverdue: 10,
        reviewState: 'none',
        leadUnit: { id: org['剑阁县'], name: '剑阁县' },
        cooperatingUnits: [
          { id: org['市教育局'], name: '市教育局' },
          { id: org['剑州中学'], name: '剑州中学' },
        ],
        indicators: [{ id: indicatorId, key: 'per_student_funding' }],
      });
      measure.pastDue = pastDue.body.id;

      const future = await post('admin.jianzhou', `/api/v1/plans/${planId}/measures`, {
        title: '起始年级班额控制在55人以内',
        description: '高一新生分班不超过 55 人',
        leadUnitId: org['剑州中学'],
        startDate: today,
        dueDate: addDays(today, 60),
      }).expect(201);
      expect(future.body).toMatchObject({ overdue: false, daysOverdue: 0, startDate: today, cooperatingUnitIds: [], cooperatingUnits: [] });
      measure.future = future.body.id;

      const third = await post('city.admin', `/api/v1/plans/${planId}/measures`, {
        title: '完成标准化建设',
        leadUnitId: org['剑州中学'],
        cooperatingUnitIds: [org['剑阁县']],
        dueDate: today,
      }).expect(201);
      // Due today is not overdue yet.
      expect(third.body).toMatchObject({ overdue: false, daysOverdue: 0 });
      measure.third = third.body.id;

      const plan = await get('teacher.jianzhou', `/api/v1/plans/${planId}`).expect(200);
      expect(plan.body.measures.map((m: { id: string }) => m.id)).toEqual([measure.pastDue, measure.future, measure.third]);
      expect(plan.body.measureCounts).toEqual({ total: 3, byStatus: { not_started: 3, in_progress: 0, done: 0, blocked: 0 }, overdue: 1, awaitingReview: 0 });
    });

    it('GET /measures/:id has status, overdue and daysOverdue', async () => {
      const res = await get('admin.jianzhou', `/api/v1/measures/${measure.pastDue}`).expect(200);
      expect(res.body).toMatchObject({ id: measure.pastDue, status: 'not_started', overdue: true, daysOverdue: 10, plan: { id: planId, term, schoolName: '剑州中学' } });
      expect(res.body.permissions).toEqual({ read: true, comment: true, edit: true, supervise: false });
    });

    it('MeasuresService.findOverdue lists the past-due measure for supervision, and the list filter agrees', async () => {
      const overdue = await t.app.get(MeasuresService).findOverdue(today);
      const mine = overdue.filter((m) => m.planId === planId);
      expect(mine).toEqual([
        expect.objectContaining({ id: measure.pastDue, schoolId: org['剑州中学'], countyId: org['剑阁县'], leadUnitId: org['剑阁县'], dueDate: addDays(today, -10), daysOverdue: 10, term }),
      ]);
      const listed = await get('county.jiange', '/api/v1/measures').query({ planId, overdue: 'true' }).expect(200);
      expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual([measure.pastDue]);
      // Tomorrow the measure due today is overdue too.
      const tomorrow = (await t.app.get(MeasuresService).findOverdue(addDays(today, 1))).filter((m) => m.planId === planId);
      expect(tomorrow.map((m) => m.id).sort()).toEqual([measure.pastDue, measure.third].sort());
    });

    it('refuses unknown units, unknown indicators, dates out of order, impossible dates and unknown plans', async () => {
      const base = { title: '坏措施', leadUnitId: org['剑州中学'], cooperatingUnitIds: [] as string[], dueDate: addDays(today, 30) };
      const path = `/api/v1/plans/${planId}/measures`;
      const unit = await post('county.jiange', path, { ...base, cooperatingUnitIds: ['00000000-0000-4000-8000-000000000001'] }).expect(422);
      expect(unit.body.error).toMatchObject({ code: 'MEASURE_UNIT_NOT_FOUND', details: { missing: ['00000000-0000-4000-8000-000000000001'] } });
      const indicator = await post('county.jiange', path, { ...base, indicatorIds: ['00000000-0000-4000-8000-000000000002'] }).expect(422);
      expect(indicator.body.error.code).toBe('MEASURE_INDICATOR_NOT_FOUND');
      const order = await post('county.jiange', path, { ...base, startDate: addDays(today, 31) }).expect(422);
      expect(order.body.error.code).toBe('MEASURE_DATES_OUT_OF_ORDER');
      const impossible = await post('county.jiange', path, { ...base, dueDate: '2026-02-30' }).expect(400);
      expect(impossible.body.error.code).toBe('VALIDATION_FAILED');
      const leadTwice = await post('county.jiange', path, { ...base, cooperatingUnitIds: [org['剑州中学']] }).expect(400);
      expect(leadTwice.body.error.code).toBe('VALIDATION_FAILED');
      const noPlan = await post('county.jiange', '/api/v1/plans/00000000-0000-4000-8000-000000000003/measures', base).expect(404);
      expect(noPlan.body.error.code).toBe('PLAN_NOT_FOUND');
      const plan = await get('county.jiange', `/api/v1/plans/${planId}`).expect(200);
      expect(plan.body.measures).toHaveLength(3);
    });

    it('PATCH edits a measure and changes status within the open ones, recording it in the timeline; done only through review', async () => {
      const res = await patch('admin.jianzhou', `/api/v1/measures/${measure.future}`, { status: 'blocked', dueDate: addDays(today, 90) }).expect(200);
      expect(res.body).toMatchObject({ status: 'blocked', dueDate: addDays(today, 90) });
      const updates = await get('admin.jianzhou', `/api/v1/measures/${measure.future}/updates`).expect(200);
      expect(updates.body.items[0]).toMatchObject({ kind: 'progress', statusFrom: 'not_started', statusTo: 'blocked', authorName: expect.any(String) });
      const done = await patch('admin.jianzhou', `/api/v1/measures/${measure.future}`, { status: 'done' }).expect(409);
      expect(done.body.error.code).toBe('MEASURE_STATUS_NOT_ALLOWED');
      const order = await patch('admin.jianzhou', `/api/v1/measures/${measure.future}`, { startDate: addDays(today, 91) }).expect(422);
      expect(order.body.error.code).toBe('MEASURE_DATES_OUT_OF_ORDER');
      await patch('admin.jianzhou', `/api/v1/measures/${measure.future}`, { status: 'in_progress' }).expect(200);
    });
  });

  describe('permissions (item 9)', () => {
    let dongchengPlanId: string;
    let dongchengMeasureId: string;

    beforeAll(async () => {
      dongchengPlanId = await freshPlan(org['旺苍东城中学'], term, '旺苍东城中学一校一策', 'city.admin');
      const m = await post('admin.dongcheng', `/api/v1/plans/${dongchengPlanId}/measures`, {
        title: '组建物理教研共同体',
        leadUnitId: org['旺苍东城中学'],
        cooperatingUnitIds: [],
        dueDate: addDays(today, 30),
      }).expect(201);
      dongchengMeasureId = m.body.id;
    });

    it('admin.dongcheng can neither read nor edit 剑州中学’s plan', async () => {
      expect((await get('admin.dongcheng', `/api/v1/plans/${planId}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await get('admin.dongcheng', `/api/v1/measures/${measure.pastDue}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await patch('admin.dongcheng', `/api/v1/plans/${planId}`, { title: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await patch('admin.dongcheng', `/api/v1/measures/${measure.pastDue}`, { title: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      const add = await post('admin.dongcheng', `/api/v1/plans/${planId}/measures`, { title: 'x', leadUnitId: org['旺苍东城中学'], cooperatingUnitIds: [], dueDate: today });
      expect(add.status).toBe(403);
      expect(add.body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post('admin.dongcheng', `/api/v1/measures/${measure.pastDue}/updates`, { text: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      // Refused before a byte of the upload is stored.
      const before = await evidenceKeys(measure.pastDue);
      const upload = await t
        .http()
        .post(`/api/v1/measures/${measure.pastDue}/updates`)
        .set(auth('admin.dongcheng'))
        .field('text', '代为上传')
        .attach('files', randomBytes(EVIDENCE_MAX_BYTES), { filename: '材料.bin' })
        .expect(403);
      expect(upload.body.error.code).toBe('OUT_OF_SCOPE');
      expect(await evidenceKeys(measure.pastDue)).toEqual(before);
      const list = await get('admin.dongcheng', '/api/v1/plans').query({ term, limit: 100 }).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toContain(dongchengPlanId);
      expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(planId);
      const measures = await get('admin.dongcheng', '/api/v1/measures').query({ planId }).expect(200);
      expect(measures.body.total).toBe(0);
    });

    it('teacher.jianzhou reads the plan but cannot edit it, post progress, comment or sign off', async () => {
      const plan = await get('teacher.jianzhou', `/api/v1/plans/${planId}`).expect(200);
      expect(plan.body.permissions).toEqual({ read: true, comment: false, edit: false, supervise: false });
      await get('teacher.jianzhou', `/api/v1/measures/${measure.pastDue}`).expect(200);
      expect((await patch('teacher.jianzhou', `/api/v1/plans/${planId}`, { title: 'x' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await patch('teacher.jianzhou', `/api/v1/measures/${measure.pastDue}`, { title: 'x' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await post('teacher.jianzhou', `/api/v1/measures/${measure.pastDue}/updates`, { text: '我来说两句' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await post('teacher.jianzhou', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      const list = await get('teacher.jianzhou', '/api/v1/plans').query({ term, status: 'active', limit: 100 }).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([planId]);
    });

    it('teacher.dongcheng cannot read 剑州中学’s plan', async () => {
      expect((await get('teacher.dongcheng', `/api/v1/plans/${planId}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
    });

    it('mentor.liemian reads and comments on 剑州中学’s plan (mentee school), changes nothing, and sees no other school', async () => {
      const plan = await get('mentor.liemian', `/api/v1/plans/${planId}`).expect(200);
      expect(plan.body.permissions).toEqual({ read: true, comment: true, edit: false, supervise: false });
      const comment = await post('mentor.liemian', `/api/v1/measures/${measure.pastDue}/updates`, { text: '建议先核算各年级生均经费缺口。' }).expect(201);
      expect(comment.body.update).toMatchObject({ kind: 'comment', statusFrom: null, statusTo: null, authorRole: 'mentor', authorOrganizationId: org['广安烈面中学'] });
      expect(comment.body.measure.status).toBe('not_started');

      const status = await post('mentor.liemian', `/api/v1/measures/${measure.pastDue}/updates`, { text: 'x', status: 'in_progress' }).expect(403);
      expect(status.body.error.code).toBe('ACCESS_DENIED');
      const progress = await post('mentor.liemian', `/api/v1/measures/${measure.pastDue}/updates`, { text: 'x', kind: 'progress' }).expect(403);
      expect(progress.body.error.code).toBe('ACCESS_DENIED');
      const before = await evidenceKeys(measure.pastDue);
      const upload = await t
        .http()
        .post(`/api/v1/measures/${measure.pastDue}/updates`)
        .set(auth('mentor.liemian'))
        .field('text', '附上听课记录')
        .attach('files', Buffer.from('听课记录'), { filename: '听课记录.txt', contentType: 'text/plain' })
        .expect(403);
      expect(upload.body.error.code).toBe('ACCESS_DENIED');
      expect(await evidenceKeys(measure.pastDue)).toEqual(before);
      expect((await patch('mentor.liemian', `/api/v1/measures/${measure.pastDue}`, { title: 'x' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await post('mentor.liemian', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');

      // 旺苍东城中学 is mentored by 资阳安岳中学, not by 广安烈面中学.
      expect((await get('mentor.liemian', `/api/v1/plans/${dongchengPlanId}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post('mentor.liemian', `/api/v1/measures/${dongchengMeasureId}/updates`, { text: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      const list = await get('mentor.liemian', '/api/v1/plans').query({ term, status: 'active', limit: 100 }).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([planId]);
    });

    it('the county coordinator supervises their county only; a school admin cannot sign off', async () => {
      expect((await get('county.jiange', `/api/v1/plans/${dongchengPlanId}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await patch('county.jiange', `/api/v1/measures/${dongchengMeasureId}`, { title: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post('county.jiange', `/api/v1/measures/${dongchengMeasureId}/review`, { decision: 'approve' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post('admin.jianzhou', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');

      // A coordinator of another county (旺苍县) is refused 剑州中学 as well.
      const username = `county.wangcang.${randomBytes(3).toString('hex')}`;
      await post('city.admin', '/api/v1/users', { username, password: 'Wangcang2026', name: '旺苍县督导', role: 'county_admin', organizationId: org['旺苍县'] }).expect(201);
      tokens[username] = await t.login(username, 'Wangcang2026');
      expect((await get(username, `/api/v1/plans/${planId}`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await post(username, `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      await get(username, `/api/v1/plans/${dongchengPlanId}`).expect(200);
      const countyList = await get(username, '/api/v1/plans').query({ term, limit: 100 }).expect(200);
      expect(countyList.body.items.every((p: { school: { countyId: string } }) => p.school.countyId === org['旺苍县'])).toBe(true);
    });
  });

  describe('progress with evidence, close request and review', () => {
    const reportPdf = randomBytes(20_000);
    const photo = randomBytes(EVIDENCE_MAX_BYTES); // exactly at the limit: accepted
    let evidenceId: string;

    it('the school admin posts progress with two files streamed to object storage (sha256 and size kept)', async () => {
      const res = await t
        .http()
        .post(`/api/v1/measures/${measure.pastDue}/updates`)
        .set(auth('admin.jianzhou'))
        .field('text', '已完成经费测算，县财政局已受理拨付申请。')
        .attach('files', reportPdf, { filename: '生均经费测算报告.pdf', contentType: 'application/pdf' })
        .attach('files', photo, { filename: '拨付申请（盖章）.jpg', contentType: 'image/jpeg' })
        .expect(201);
      expect(res.body.update).toMatchObject({ kind: 'progress', statusFrom: 'not_started', statusTo: 'in_progress' });
      expect(res.body.measure).toMatchObject({ status: 'in_progress', evidenceCount: 2, overdue: true });
      const files = res.body.update.evidence as { id: string; filename: string; size: number; sha256: string; contentType: string; downloadPath: string }[];
      expect(files.map((f) => [f.filename, f.size, f.sha256, f.contentType])).toEqual([
        ['生均经费测算报告.pdf', reportPdf.length, createHash('sha256').update(reportPdf).digest('hex'), 'application/pdf'],
        ['拨付申请（盖章）.jpg', photo.length, createHash('sha256').update(photo).digest('hex'), 'image/jpeg'],
      ]);
      evidenceId = files[0].id;
      expect(files[0].downloadPath).toBe(`/api/v1/evidence/${evidenceId}/download`);
      const rows = await t.app.get(DataSource).getRepository(EvidenceFile).findBy({ measureId: measure.pastDue });
      expect(rows.map((r) => r.storageKey).every((k) => new RegExp(`^evidence/${measure.pastDue}/[0-9a-f-]{36}$`).test(k))).toBe(true);
      expect((await evidenceKeys(measure.pastDue)).sort()).toEqual(rows.map((r) => r.storageKey).sort());
    });

    it('downloads through a 302 to a short-lived URL with the Chinese file name, only for readers', async () => {
      const res = await get('teacher.jianzhou', `/api/v1/evidence/${evidenceId}/download`).expect(302);
      const location = res.headers.location as string;
      expect(location).toMatch(/^https?:\/\//);
      const file = await fetch(location);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(reportPdf)).toBe(true);
      expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('生均经费测算报告.pdf')}`);
      await get('mentor.liemian', `/api/v1/evidence/${evidenceId}/download`).expect(302);
      expect((await get('admin.dongcheng', `/api/v1/evidence/${evidenceId}/download`).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await get('teacher.jianzhou', '/api/v1/evidence/00000000-0000-4000-8000-000000000009/download').expect(404)).body.error.code).toBe('EVIDENCE_NOT_FOUND');
    });

    it('a file over EVIDENCE_MAX_BYTES is 413 and nothing of the request is kept', async () => {
      const repo = t.app.get(DataSource).getRepository(EvidenceFile);
      const updates = t.app.get(DataSource).getRepository(ProgressUpdate);
      const keysBefore = (await evidenceKeys(measure.future)).length;
      const rowsBefore = await repo.countBy({ measureId: measure.future });
      const updatesBefore = await updates.countBy({ measureId: measure.future });
      const res = await t
        .http()
        .post(`/api/v1/measures/${measure.future}/updates`)
        .set(auth('admin.jianzhou'))
        .field('text', '上传分班名单')
        .attach('files', randomBytes(1000), { filename: '小文件.txt', contentType: 'text/plain' })
        .attach('files', randomBytes(EVIDENCE_MAX_BYTES + 1), { filename: '大文件.zip', contentType: 'application/zip' })
        .expect(413);
      expect(res.body.error).toMatchObject({ code: 'EVIDENCE_TOO_LARGE', details: { maxBytes: EVIDENCE_MAX_BYTES } });
      expect((await evidenceKeys(measure.future)).length).toBe(keysBefore);
      expect(await repo.countBy({ measureId: measure.future })).toBe(rowsBefore);
      expect(await updates.countBy({ measureId: measure.future })).toBe(updatesBefore);
    });

    it('a request refused after the upload (validation) keeps no file either', async () => {
      const before = await evidenceKeys(measure.future);
      const res = await t
        .http()
        .post(`/api/v1/measures/${measure.future}/updates`)
        .set(auth('admin.jianzhou'))
        .field('status', 'no-such-status')
        .attach('files', randomBytes(100), { filename: 'a.txt', contentType: 'text/plain' })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(await evidenceKeys(measure.future)).toEqual(before);
    });

    it('closing needs evidence on the measure', async () => {
      const res = await post('admin.jianzhou', `/api/v1/measures/${measure.third}/updates`, { text: '已完成', requestClose: true }).expect(422);
      expect(res.body.error.code).toBe('MEASURE_EVIDENCE_REQUIRED');
      const m = await get('admin.jianzhou', `/api/v1/measures/${measure.third}`).expect(200);
      expect(m.body).toMatchObject({ status: 'not_started', reviewState: 'none', updatesTotal: 0 });
    });

    it('requests sign-off; the county coordinator is notified; the status is held while it waits', async () => {
      const res = await post('admin.jianzhou', `/api/v1/measures/${measure.pastDue}/updates`, { text: '经费已足额拨付，申请办结。', requestClose: true }).expect(201);
      expect(res.body.update.kind).toBe('close_request');
      expect(res.body.measure).toMatchObject({ status: 'in_progress', reviewState: 'pending' });
      const again = await post('admin.jianzhou', `/api/v1/measures/${measure.pastDue}/updates`, { text: '再次申请', requestClose: true }).expect(409);
      expect(again.body.error.code).toBe('MEASURE_REVIEW_PENDING');
      const hold = await patch('admin.jianzhou', `/api/v1/measures/${measure.pastDue}`, { status: 'blocked' }).expect(409);
      expect(hold.body.error.code).toBe('MEASURE_REVIEW_PENDING');
      const inbox = await get('county.jiange', '/api/v1/notifications').query({ limit: 100 }).expect(200);
      expect(inbox.body.items).toContainEqual(expect.objectContaining({ type: 'measure.review_requested', link: { kind: 'measure', id: measure.pastDue } }));
      const pending = await get('county.jiange', '/api/v1/measures').query({ planId, reviewState: 'pending' }).expect(200);
      expect(pending.body.items.map((m: { id: string }) => m.id)).toEqual([measure.pastDue]);
    });

    it('a rejection needs a reason, sends the measure back with it and notifies the school admins', async () => {
      const noReason = await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'reject', reason: '  ' }).expect(422);
      expect(noReason.body.error.code).toBe('MEASURE_REJECTION_REASON_REQUIRED');
      const bad = await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'maybe' }).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');

      const reason = '缺少财政拨付凭证，请补充银行回单。';
      const res = await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'reject', reason }).expect(200);
      expect(res.body).toMatchObject({ status: 'in_progress', reviewState: 'rejected', rejectionReason: reason, closedAt: null });
      const inbox = await get('admin.jianzhou', '/api/v1/notifications').query({ limit: 100 }).expect(200);
      const note = inbox.body.items.find((n: { type: string; link: { id: string } | null }) => n.type === 'measure.rejected' && n.link?.id === measure.pastDue);
      expect(note).toMatchObject({ link: { kind: 'measure', id: measure.pastDue }, read: false });
      expect(note.body).toContain(reason);
      const twice = await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'reject', reason }).expect(409);
      expect(twice.body.error.code).toBe('MEASURE_NOT_AWAITING_REVIEW');
      const timeline = await get('mentor.liemian', `/api/v1/measures/${measure.pastDue}`).expect(200);
      expect(timeline.body.updates[0]).toMatchObject({ kind: 'rejected', text: reason, authorRole: 'county_admin' });
    });

    it('after more evidence the county coordinator approves: done with closedAt, then closed for edits', async () => {
      await t
        .http()
        .post(`/api/v1/measures/${measure.pastDue}/updates`)
        .set(auth('admin.jianzhou'))
        .field('text', '补充银行回单，再次申请办结。')
        .field('requestClose', 'true')
        .attach('files', Buffer.from('%PDF-1.4 回单'), { filename: '银行回单.pdf', contentType: 'application/pdf' })
        .expect(201);
      const res = await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve', reason: '佐证齐全' }).expect(200);
      expect(res.body).toMatchObject({ status: 'done', reviewState: 'approved', overdue: false, daysOverdue: 0, evidenceCount: 3, rejectionReason: '缺少财政拨付凭证，请补充银行回单。' });
      expect(new Date(res.body.closedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

      expect((await patch('admin.jianzhou', `/api/v1/measures/${measure.pastDue}`, { title: '改名' }).expect(409)).body.error.code).toBe('MEASURE_CLOSED');
      expect((await post('admin.jianzhou', `/api/v1/measures/${measure.pastDue}/updates`, { text: '再报一次' }).expect(409)).body.error.code).toBe('MEASURE_CLOSED');
      expect((await post('county.jiange', `/api/v1/measures/${measure.pastDue}/review`, { decision: 'approve' }).expect(409)).body.error.code).toBe('MEASURE_CLOSED');
      const inbox = await get('admin.jianzhou', '/api/v1/notifications').query({ limit: 100 }).expect(200);
      expect(inbox.body.items).toContainEqual(expect.objectContaining({ type: 'measure.approved', link: { kind: 'measure', id: measure.pastDue } }));
      // Mentors may still comment on a done measure.
      await post('mentor.liemian', `/api/v1/measures/${measure.pastDue}/updates`, { text: '经验值得推广。' }).expect(201);
    });

    it('the dashboards’ read API counts the plan the same way', async () => {
      const stats = await t.app.get(PlansReadService).measureStats({ schoolId: org['剑州中学'], term });
      expect(stats).toMatchObject({
        plans: 1,
        measures: 3,
        byStatus: { not_started: 1, in_progress: 1, done: 1, blocked: 0 },
        overdue: 0,
        done: 1,
        // approved today, due ten days ago
        doneOnTime: 0,
        doneLate: 1,
        onTimeShare: 0,
      });
      const rows = await t.app.get(PlansReadService).listMeasures({ schoolId: org['剑州中学'], term });
      expect(rows.find((r) => r.id === measure.pastDue)).toMatchObject({ schoolName: '剑州中学', countyName: '剑阁县', leadUnitName: '剑阁县', cooperatingUnitNames: ['市教育局', '剑州中学'], indicatorKeys: ['per_student_funding'], evidenceCount: 3, status: 'done', closedOn: today, doneOnTime: false });
      const byCounty = await t.app.get(PlansReadService).measureStatsBy('county', { term });
      expect(byCounty.find((g) => g.organizationId === org['剑阁县'])).toMatchObject({ organizationName: '剑阁县', countyId: null });
    });
  });

  describe('unknown ids', () => {
    it('are 404 with a code', async () => {
      const none = '00000000-0000-4000-8000-00000000000f';
      expect((await get('city.admin', `/api/v1/plans/${none}`).expect(404)).body.error.code).toBe('PLAN_NOT_FOUND');
      expect((await get('city.admin', `/api/v1/measures/${none}`).expect(404)).body.error.code).toBe('MEASURE_NOT_FOUND');
      expect((await patch('city.admin', `/api/v1/measures/${none}`, { title: 'x' }).expect(404)).body.error.code).toBe('MEASURE_NOT_FOUND');
      expect((await post('city.admin', `/api/v1/measures/${none}/updates`, { text: 'x' }).expect(404)).body.error.code).toBe('MEASURE_NOT_FOUND');
      expect((await post('city.admin', `/api/v1/measures/${none}/review`, { decision: 'approve' }).expect(404)).body.error.code).toBe('MEASURE_NOT_FOUND');
    });
  });

  describe('import of measures from .xlsx (item 7)', () => {
    async function xlsx(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('措施');
      rows.forEach((r) => ws.addRow(r));
      return Buffer.from(await wb.xlsx.writeBuffer());
    }
    const importTo = (user: string, id: string, file: Buffer, name = '措施.xlsx') =>
      t.http().post(`/api/v1/plans/${id}/measures/import`).set(auth(user)).attach('file', file, { filename: name });

    it('serves a template whose example row imports cleanly', async () => {
      const res = await get('admin.jianzhou', '/api/v1/measures/import/template')
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-disposition']).toContain(encodeURIComponent('一校一策措施导入模板.xlsx'));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
      expect(wb.worksheets[0].getRow(1).getCell(1).value).toBe('措施名称*');
      const planForTemplate = await freshPlan(org['剑州中学'], '2035-2036', '模板导入测试');
      const imported = await importTo('admin.jianzhou', planForTemplate, res.body as Buffer).expect(201);
      expect(imported.body.created).toBe(1);
    });

    it('reports every bad row and imports nothing; a clean file imports all rows at once', async () => {
      const before = (await get('admin.jianzhou', `/api/v1/plans/${planId}`).expect(200)).body.measures.length;
      const header = ['序号', '措施名称', '具体内容', '责任单位', '开始日期', '完成时限', '关联指标'];
      const bad = await xlsx([
        header,
        [1, '导入措施甲', '说明', '剑州中学，剑阁县、市教育局', null, new Date(Date.UTC(2027, 5, 30)), 'per_student_funding'],
        [2, '导入措施乙', null, '县区人民政府，剑州中学', null, '2027年6月底', null],
        [3, '', null, '剑州中学', '2027-07-01', '2027-06-30', '升学率'],
      ]);
      const refused = await importTo('admin.jianzhou', planId, bad).expect(422);
      expect(refused.body.error.code).toBe('IMPORT_ROWS_INVALID');
      expect(refused.body.error.details.rows).toEqual([
        { row: 3, errors: [{ column: '牵头单位', message: expect.stringContaining('县区人民政府') }] },
        {
          row: 4,
          errors: [
            { column: '措施名称', message: '措施名称不能为空' },
            { column: '开始日期', message: '开始日期不能晚于完成时限' },
          ],
        },
      ]);
      expect((await get('admin.jianzhou', `/api/v1/plans/${planId}`).expect(200)).body.measures).toHaveLength(before);

      const good = await xlsx([
        header,
        [1, '导入措施甲', '说明', '剑州中学，剑阁县、市教育局', null, new Date(Date.UTC(2027, 5, 30)), 'per_student_funding'],
        [2, '导入措施乙', null, '剑阁县，剑州中学', '2026-09-01', '2027年6月底', '生均公用经费'],
      ]);
      const res = await importTo('admin.jianzhou', planId, good).expect(201);
      expect(res.body.created).toBe(2);
      expect(res.body.measures).toEqual([
        expect.objectContaining({ title: '导入措施甲', leadUnitId: org['剑州中学'], cooperatingUnitIds: [org['剑阁县'], org['市教育局']], dueDate: '2027-06-30', indicatorIds: [indicatorId] }),
        expect.objectContaining({ title: '导入措施乙', leadUnitId: org['剑阁县'], cooperatingUnitIds: [org['剑州中学']], startDate: '2026-09-01', dueDate: '2027-06-30' }),
      ]);
      // The same file again: the plan already has these measures.
      const again = await importTo('admin.jianzhou', planId, good).expect(422);
      expect(again.body.error.details.invalidRows).toBe(2);
      expect((await get('admin.jianzhou', `/api/v1/plans/${planId}`).expect(200)).body.measures).toHaveLength(before + 2);
    });

    it('refuses readers, other schools, non-spreadsheets and a missing file', async () => {
      const file = await xlsx([['措施名称', '责任单位', '完成时限'], ['x', '剑州中学', '2027-01-01']]);
      expect((await importTo('teacher.jianzhou', planId, file).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await importTo('admin.dongcheng', planId, file).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await importTo('admin.jianzhou', planId, Buffer.from('%PDF-1.4'), 'plan.pdf').expect(400)).body.error.code).toBe('IMPORT_INVALID_FILE');
      const missing = await t.http().post(`/api/v1/plans/${planId}/measures/import`).set(auth('admin.jianzhou')).field('note', '1').expect(400);
      expect(missing.body.error.code).toBe('FILE_REQUIRED');
    });
  });
});
