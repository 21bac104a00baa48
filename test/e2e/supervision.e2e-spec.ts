import { randomBytes } from 'node:crypto';
import { addDays, shanghaiDate } from '@app/platform';
import { JobQueue } from '@app/queue';
import { currentSchoolYear } from '@app/domain/indicators/indicator-rules';
import { supervisionDailyScan } from '@app/domain/supervision/jobs/daily-scan.job';
import { RectificationsService } from '@app/domain/supervision/rectifications.service';
import { createTestApp, TestApp } from '../utils/create-app';

const RUN = '/api/v1/supervision/run';
const RECT = '/api/v1/rectifications';
const ORGS = '/api/v1/organizations';
/** Small, so the 413 case needs only a few kilobytes. */
const EVIDENCE_MAX_BYTES = 4096;

interface Flagged {
  kind: string;
  sourceId: string;
  organizationId: string;
  rectificationId: string;
  opened: boolean;
}
interface RunResult {
  today: string;
  year: number;
  deadline: string;
  flagged: Flagged[];
  opened: { id: string; sourceId: string; organizationId: string; status: string; deadline: string; sourceKind: string }[];
  counts: { flagged: number; opened: number; alreadyOpen: number };
}

/**
 * Supervision (督导): the scan flags an overdue measure and an off-target indicator of a school this spec creates
 * (with its own admin and teacher), opens one rectification each, and opens nothing again on a second run, on
 * two concurrent runs, or from the daily job; the order's status flow with evidence files and review; orders
 * issued by hand; and every denial. All records are this spec's own, so it runs in a shared database.
 */
describe('supervision and rectifications', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  const today = shanghaiDate();
  const year = currentSchoolYear(today);
  const schoolAdmin = `sup.admin.${suffix}`;
  const schoolTeacher = `sup.teacher.${suffix}`;
  const password = 'Supervise2026x';
  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const run = async (user = 'city.admin'): Promise<RunResult> => (await t.http().post(RUN).set(auth(user)).expect(200)).body;
  const mine = (result: RunResult) => result.flagged.filter((f) => f.organizationId === ids.school);
  const notificationsOf = async (user: string, type: string) => {
    const res = await t.http().get('/api/v1/notifications').query({ limit: 100 }).set(auth(user)).expect(200);
    return (res.body.items as { type: string; link: { kind: string; id: string } | null; title: string }[]).filter((n) => n.type === type);
  };

  async function idOf(name: string): Promise<string> {
    const res = await t.http().get(ORGS).query({ q: name, limit: 100 }).set(auth('city.admin')).expect(200);
    const hit = res.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }

  async function addMeasure(title: string, dueDate: string): Promise<string> {
    const res = await t.http().post(`/api/v1/plans/${ids.plan}/measures`).set(auth('county.jiange')).send({ title, leadUnitId: ids.school, cooperatingUnitIds: [ids['剑阁县']], dueDate }).expect(201);
    return res.body.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ EVIDENCE_MAX_BYTES: String(EVIDENCE_MAX_BYTES) });
    for (const user of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[user] = await t.login(user);
    }
    for (const name of ['剑阁县', '旺苍县', '旺苍东城中学', '北京化工大学']) ids[name] = await idOf(name);

    // A school of 剑阁县 of our own, with its own admin and teacher.
    const school = await t.http().post(ORGS).set(auth('county.jiange')).send({ name: `督导测试中学${suffix}`, kind: 'school' }).expect(201);
    ids.school = school.body.id;
    for (const [username, role] of [[schoolAdmin, 'school_admin'], [schoolTeacher, 'teacher']]) {
      await t.http().post('/api/v1/users').set(auth('county.jiange')).send({ username, password, name: `督导测试${role}`, role, organizationId: ids.school }).expect(201);
      tokens[username] = await t.login(username, password);
    }

    // Its plan: three measures, one past due. Its figures this school year: one indicator off target.
    const term = `${year - 1}-${year + 1}`;
    const plan = await t.http().post('/api/v1/plans').set(auth('county.jiange')).send({ schoolId: ids.school, term, title: `督导测试一校一策${suffix}` }).expect(201);
    ids.plan = plan.body.id;
    ids.overdue = await addMeasure('完善教研制度（逾期）', addDays(today, -10));
    ids.future1 = await addMeasure('改造学生食堂', addDays(today, 60));
    ids.future2 = await addMeasure('引进骨干教师', addDays(today, 120));
    await t.http().put(`${ORGS}/${ids.school}/stats/${year}`).set(auth('county.jiange'))
      .send({ students: 1000, classes: 20, teachers: 100, largestClass: 60, perStudentFunding: 1200 }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the scan', () => {
    it('is scheduled daily in Asia/Shanghai on start-up', async () => {
      const scheduled = await t.app.get(JobQueue).listScheduled();
      const daily = scheduled.filter((s) => s.name === 'supervision.daily-scan');
      expect(daily).toEqual([expect.objectContaining({ key: 'daily', cron: '0 6 * * *', tz: 'Asia/Shanghai' })]);
      expect(daily[0].nextRunAt).toBeDefined();
    });

    it('flags the overdue measure and the off-target indicator, opens one order each and notifies the school and the county', async () => {
      const result = await run();
      expect(result).toMatchObject({ today, year, deadline: addDays(today, 30) });
      const flagged = mine(result);
      expect(flagged.map((f) => [f.kind, f.sourceId, f.opened]).sort()).toEqual([
        ['indicator', `largest_class_size:${ids.school}:${year}`, true],
        ['measure', ids.overdue, true],
      ]);
      // The measures due later are not flagged; the counts add up.
      expect(result.flagged.some((f) => f.sourceId === ids.future1 || f.sourceId === ids.future2)).toBe(false);
      expect(result.counts.flagged).toBe(result.flagged.length);
      expect(result.counts.opened).toBe(result.opened.length);
      expect(result.counts.alreadyOpen).toBe(result.counts.flagged - result.counts.opened);

      const measureOrder = result.opened.find((o) => o.sourceId === ids.overdue)!;
      expect(measureOrder).toMatchObject({ organizationId: ids.school, status: 'open', sourceKind: 'measure', deadline: addDays(today, 30) });
      ids.measureOrder = measureOrder.id;
      ids.indicatorOrder = result.opened.find((o) => o.sourceId === `largest_class_size:${ids.school}:${year}`)!.id;

      const detail = await t.http().get(`${RECT}/${ids.measureOrder}`).set(auth(schoolAdmin)).expect(200);
      expect(detail.body).toMatchObject({
        status: 'open',
        overdue: false,
        organizationName: `督导测试中学${suffix}`,
        countyId: ids['剑阁县'],
        countyName: '剑阁县',
        schoolId: ids.school,
        issuedById: null,
        permissions: { canSubmitEvidence: true, canReview: false },
      });
      expect(detail.body.title).toContain('完善教研制度（逾期）');
      expect(detail.body.events).toEqual([expect.objectContaining({ kind: 'opened', statusFrom: null, statusTo: 'open', actorId: null })]);

      for (const user of [schoolAdmin, 'county.jiange']) {
        const notes = await notificationsOf(user, 'rectification.opened');
        expect(notes.filter((n) => n.link?.id === ids.measureOrder)).toHaveLength(1);
        expect(notes.filter((n) => n.link?.id === ids.indicatorOrder)).toHaveLength(1);
      }
      // Teachers and other schools' admins are not told.
      expect((await notificationsOf(schoolTeacher, 'rectification.opened')).length).toBe(0);
      expect((await notificationsOf('admin.jianzhou', 'rectification.opened')).some((n) => n.link?.id === ids.measureOrder)).toBe(false);
    });

    it('opens nothing new on a second run and notifies nobody again', async () => {
      const result = await run();
      expect(mine(result).map((f) => [f.sourceId, f.opened, f.rectificationId]).sort()).toEqual(
        [
          [ids.overdue, false, ids.measureOrder],
          [`largest_class_size:${ids.school}:${year}`, false, ids.indicatorOrder],
        ].sort(),
      );
      expect(result.opened.some((o) => o.organizationId === ids.school)).toBe(false);
      const list = await t.http().get(RECT).query({ organizationId: ids.school, limit: 100 }).set(auth('city.admin')).expect(200);
      expect(list.body.total).toBe(2);
      expect((await notificationsOf(schoolAdmin, 'rectification.opened')).length).toBe(2);
    });

    it('opens each new item once when two runs go at the same moment', async () => {
      ids.overdue2 = await addMeasure('完成标准化建设（逾期）', addDays(today, -3));
      await t.http().put(`${ORGS}/${ids.school}/stats/${year}`).set(auth('county.jiange'))
        .send({ students: 6000, classes: 120, teachers: 500, largestClass: 60, perStudentFunding: 1200 }).expect(200);
      const [a, b] = await Promise.all([run(), run()]);
      for (const sourceId of [ids.overdue2, `school_size:${ids.school}:${year}`]) {
        const fromA = a.flagged.find((f) => f.sourceId === sourceId)!;
        const fromB = b.flagged.find((f) => f.sourceId === sourceId)!;
        expect(fromA.rectificationId).toBe(fromB.rectificationId);
        expect([fromA.opened, fromB.opened].filter(Boolean)).toHaveLength(1);
      }
      const list = await t.http().get(RECT).query({ organizationId: ids.school, limit: 100 }).set(auth('city.admin')).expect(200);
      expect(list.body.total).toBe(4);
      const sources = list.body.items.map((r: { sourceId: string }) => r.sourceId);
      expect(new Set(sources).size).toBe(4);
      expect((await notificationsOf(schoolAdmin, 'rectification.opened')).length).toBe(4);
    });

    it('runs the same scan from the daily job, which opens nothing already open', async () => {
      const queue = t.app.get(JobQueue);
      const job = await queue.enqueue(supervisionDailyScan, { trigger: 'schedule' });
      let state = job.state;
      for (let i = 0; i < 100 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (await queue.getJob(job.id))!.state;
      }
      expect(state).toBe('completed');
      const list = await t.http().get(RECT).query({ organizationId: ids.school, limit: 100 }).set(auth('city.admin')).expect(200);
      expect(list.body.total).toBe(4);
    });

    it('is for the city admin only', async () => {
      for (const user of ['county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'mentor.liemian', schoolAdmin]) {
        const res = await t.http().post(RUN).set(auth(user)).expect(403);
        expect(res.body.error.code).toBe('ACCESS_DENIED');
      }
      await t.http().post(RUN).expect(401);
    });
  });

  describe('reading orders within scope', () => {
    it('shows the school and its county their orders, and the city all', async () => {
      for (const user of ['city.admin', 'county.jiange', schoolAdmin, schoolTeacher]) {
        const res = await t.http().get(`${RECT}/${ids.measureOrder}`).set(auth(user)).expect(200);
        expect(res.body.id).toBe(ids.measureOrder);
      }
      const county = await t.http().get(RECT).query({ countyId: ids['剑阁县'], status: 'open', limit: 100 }).set(auth('county.jiange')).expect(200);
      expect(county.body.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([ids.measureOrder, ids.indicatorOrder]));
      expect(county.body.items.every((r: { countyId: string; status: string }) => r.countyId === ids['剑阁县'] && r.status === 'open')).toBe(true);
      const own = await t.http().get(RECT).query({ limit: 100 }).set(auth(schoolTeacher)).expect(200);
      expect(own.body.total).toBe(4);
      expect(own.body.items.every((r: { organizationId: string }) => r.organizationId === ids.school)).toBe(true);
      const byKind = await t.http().get(RECT).query({ organizationId: ids.school, sourceKind: 'indicator' }).set(auth('county.jiange')).expect(200);
      expect(byKind.body.total).toBe(2);
      const notOverdue = await t.http().get(RECT).query({ organizationId: ids.school, overdue: 'true' }).set(auth('county.jiange')).expect(200);
      expect(notOverdue.body.total).toBe(0); // deadlines are 30 days out
    });

    it('denies every other school, county and role', async () => {
      for (const user of ['admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng']) {
        const res = await t.http().get(`${RECT}/${ids.measureOrder}`).set(auth(user)).expect(403);
        expect(res.body.error.code).toBe('OUT_OF_SCOPE');
        const list = await t.http().get(RECT).query({ limit: 100 }).set(auth(user)).expect(200);
        expect(list.body.items.some((r: { organizationId: string }) => r.organizationId === ids.school)).toBe(false);
        const filtered = await t.http().get(RECT).query({ organizationId: ids.school }).set(auth(user)).expect(403);
        expect(filtered.body.error.code).toBe('OUT_OF_SCOPE');
      }
      const otherCounty = await t.http().get(RECT).query({ countyId: ids['旺苍县'] }).set(auth('county.jiange')).expect(403);
      expect(otherCounty.body.error.code).toBe('OUT_OF_SCOPE');
      const otherSchool = await t.http().get(RECT).query({ organizationId: ids['旺苍东城中学'] }).set(auth('county.jiange')).expect(403);
      expect(otherSchool.body.error.code).toBe('OUT_OF_SCOPE');
      for (const path of [RECT, `${RECT}/${ids.measureOrder}`]) {
        const mentor = await t.http().get(path).set(auth('mentor.liemian')).expect(403);
        expect(mentor.body.error.code).toBe('ACCESS_DENIED');
      }
      const missing = await t.http().get(`${RECT}/00000000-0000-4000-8000-000000000000`).set(auth('city.admin')).expect(404);
      expect(missing.body.error.code).toBe('RECTIFICATION_NOT_FOUND');
      await t.http().get(RECT).expect(401);
    });
  });

  describe('evidence and review', () => {
    const evidence = (user: string, id = ids.measureOrder) => t.http().post(`${RECT}/${id}/evidence`).set(auth(user));

    it('refuses evidence from anyone but the responsible school’s admin', async () => {
      const denials: [string, number, string][] = [
        [schoolTeacher, 403, 'ACCESS_DENIED'],
        ['mentor.liemian', 403, 'ACCESS_DENIED'],
        ['county.jiange', 403, 'ACCESS_DENIED'],
        ['city.admin', 403, 'ACCESS_DENIED'],
        ['admin.jianzhou', 403, 'OUT_OF_SCOPE'],
        ['admin.dongcheng', 403, 'OUT_OF_SCOPE'],
      ];
      for (const [user, status, code] of denials) {
        const res = await evidence(user).send({ text: '越权提交' });
        expect({ user, status: res.status, code: res.body.error?.code }).toEqual({ user, status, code });
      }
      const missing = await t.http().post(`${RECT}/00000000-0000-4000-8000-000000000000/evidence`).set(auth(schoolAdmin)).send({ text: 'x' }).expect(404);
      expect(missing.body.error.code).toBe('RECTIFICATION_NOT_FOUND');
      const empty = await evidence(schoolAdmin).send({ text: '' }).expect(400);
      expect(empty.body.error.code).toBe('VALIDATION_FAILED');
      const detail = await t.http().get(`${RECT}/${ids.measureOrder}`).set(auth('city.admin')).expect(200);
      expect(detail.body.status).toBe('open');
      expect(detail.body.events).toHaveLength(1);
    });

    it('refuses a review before any evidence (409)', async () => {
      const res = await t.http().post(`${RECT}/${ids.measureOrder}/review`).set(auth('county.jiange')).send({ decision: 'approve' }).expect(409);
      expect(res.body.error.code).toBe('RECTIFICATION_TRANSITION_NOT_ALLOWED');
    });

    it('takes the school admin’s text and files (Chinese names) and marks the order submitted', async () => {
      const res = await evidence(schoolAdmin)
        .field('text', '已修订教研制度并于本周实施，附制度文本和会议纪要。')
        .attach('files', Buffer.from('教研制度（修订稿）'), { filename: '教研制度修订稿.txt', contentType: 'text/plain' })
        .attach('files', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d]), { filename: '会议纪要.pdf', contentType: 'application/pdf' })
        .expect(201);
      expect(res.body).toMatchObject({ status: 'submitted', permissions: { canSubmitEvidence: false, canReview: false } });
      const submitted = res.body.events.at(-1);
      expect(submitted).toMatchObject({ kind: 'evidence_submitted', statusFrom: 'open', statusTo: 'submitted', note: '已修订教研制度并于本周实施，附制度文本和会议纪要。' });
      expect(submitted.files.map((f: { filename: string }) => f.filename)).toEqual(['教研制度修订稿.txt', '会议纪要.pdf']);

      const file = submitted.files[0];
      const redirect = await t.http().get(file.downloadPath).set(auth(schoolTeacher)).expect(302);
      const download = await fetch(redirect.headers.location);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('教研制度（修订稿）');
      const outsider = await t.http().get(file.downloadPath).set(auth('admin.jianzhou')).expect(403);
      expect(outsider.body.error.code).toBe('OUT_OF_SCOPE');

      const again = await evidence(schoolAdmin).send({ text: '再次提交' }).expect(409);
      expect(again.body.error.code).toBe('RECTIFICATION_TRANSITION_NOT_ALLOWED');
      const notes = await notificationsOf('county.jiange', 'rectification.submitted');
      expect(notes.filter((n) => n.link?.id === ids.measureOrder)).toHaveLength(1);
    });

    it('lets only the city or the school’s county coordinator review, and a rejection needs a reason', async () => {
      const review = (user: string, body: object) => t.http().post(`${RECT}/${ids.measureOrder}/review`).set(auth(user)).send(body);
      for (const user of [schoolAdmin, schoolTeacher, 'admin.jianzhou', 'mentor.liemian']) {
        const res = await review(user, { decision: 'approve' });
        expect({ user, status: res.status, code: res.body.error?.code }).toEqual({ user, status: 403, code: 'ACCESS_DENIED' });
      }
      const noReason = await review('county.jiange', { decision: 'reject' }).expect(422);
      expect(noReason.body.error.code).toBe('RECTIFICATION_REASON_REQUIRED');
      const blank = await review('county.jiange', { decision: 'reject', reason: '   ' }).expect(422);
      expect(blank.body.error.code).toBe('RECTIFICATION_REASON_REQUIRED');
      const badDecision = await review('county.jiange', { decision: 'maybe' }).expect(400);
      expect(badDecision.body.error.code).toBe('VALIDATION_FAILED');

      const rejected = await review('county.jiange', { decision: 'reject', reason: '缺少实施记录，请补充教研活动签到表' }).expect(200);
      expect(rejected.body).toMatchObject({ status: 'open', rejectionReason: '缺少实施记录，请补充教研活动签到表' });
      expect(rejected.body.events.at(-1)).toMatchObject({ kind: 'rejected', statusFrom: 'submitted', statusTo: 'open', note: '缺少实施记录，请补充教研活动签到表' });
      const told = await notificationsOf(schoolAdmin, 'rectification.rejected');
      expect(told.filter((n) => n.link?.id === ids.measureOrder)).toHaveLength(1);

      await evidence(schoolAdmin).send({ text: '已补充签到表。' }).expect(201);
      const approved = await review('county.jiange', { decision: 'approve', reason: '整改到位' }).expect(200);
      expect(approved.body).toMatchObject({ status: 'closed', closedById: expect.any(String), closedAt: expect.any(String) });
      expect(approved.body.events.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'evidence_submitted', 'rejected', 'evidence_submitted', 'approved']);
      const closedAgain = await review('city.admin', { decision: 'approve' }).expect(409);
      expect(closedAgain.body.error.code).toBe('RECTIFICATION_TRANSITION_NOT_ALLOWED');
      expect((await notificationsOf(schoolAdmin, 'rectification.approved')).some((n) => n.link?.id === ids.measureOrder)).toBe(true);
    });

    it('opens a fresh order when a closed one’s measure is still overdue at the next run', async () => {
      const result = await run();
      const measure = result.flagged.find((f) => f.sourceId === ids.overdue)!;
      expect(measure.opened).toBe(true);
      expect(measure.rectificationId).not.toBe(ids.measureOrder);
      const others = mine(result).filter((f) => f.sourceId !== ids.overdue);
      expect(others.every((f) => !f.opened)).toBe(true);
    });

    it('refuses a file over the limit with 413 and keeps nothing', async () => {
      const before = await t.http().get(`${RECT}/${ids.indicatorOrder}`).set(auth(schoolAdmin)).expect(200);
      const res = await evidence(schoolAdmin, ids.indicatorOrder)
        .field('text', '附班额调整方案')
        .attach('files', Buffer.alloc(EVIDENCE_MAX_BYTES + 1, 1), { filename: '班额调整方案.pdf', contentType: 'application/pdf' })
        .expect(413);
      expect(res.body.error.code).toBe('EVIDENCE_TOO_LARGE');
      const after = await t.http().get(`${RECT}/${ids.indicatorOrder}`).set(auth(schoolAdmin)).expect(200);
      expect(after.body).toMatchObject({ status: 'open', events: before.body.events });
    });
  });

  describe('orders issued by hand', () => {
    const issue = (user: string, body: object) => t.http().post(RECT).set(auth(user)).send(body);
    const valid = () => ({ organizationId: ids.school, title: '限期整改：校园安全隐患', reason: '督查发现消防通道被占用', deadline: addDays(today, 7) });

    it('lets the county coordinator issue one to a school of the county', async () => {
      const res = await issue('county.jiange', valid()).expect(201);
      expect(res.body).toMatchObject({
        organizationId: ids.school,
        countyId: ids['剑阁县'],
        status: 'open',
        sourceKind: 'manual',
        sourceId: null,
        issuedById: expect.any(String),
        deadline: addDays(today, 7),
        overdue: false,
      });
      expect(res.body.events).toEqual([expect.objectContaining({ kind: 'opened', actorRole: 'county_admin' })]);
      // Several manual orders may be open for one school.
      await issue('county.jiange', { ...valid(), title: '限期整改：食堂卫生' }).expect(201);
      const notes = await notificationsOf(schoolAdmin, 'rectification.opened');
      expect(notes.some((n) => n.link?.id === res.body.id)).toBe(true);
      // The city may order a county.
      const county = await issue('city.admin', { ...valid(), organizationId: ids['剑阁县'] }).expect(201);
      expect(county.body).toMatchObject({ organizationId: ids['剑阁县'], countyId: ids['剑阁县'], schoolId: null });
    });

    it('refuses bad input with a code and writes nothing', async () => {
      const before = (await t.http().get(RECT).query({ organizationId: ids.school }).set(auth('city.admin')).expect(200)).body.total;
      const cases: [string, object, number, string][] = [
        ['county.jiange', { ...valid(), deadline: addDays(today, -1) }, 422, 'RECTIFICATION_DEADLINE_IN_PAST'],
        ['county.jiange', { ...valid(), deadline: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
        ['county.jiange', { ...valid(), deadline: 'next week' }, 400, 'VALIDATION_FAILED'],
        ['county.jiange', { ...valid(), title: '' }, 400, 'VALIDATION_FAILED'],
        ['county.jiange', { ...valid(), reason: 'x'.repeat(2001) }, 400, 'VALIDATION_FAILED'],
        ['city.admin', { ...valid(), organizationId: ids['北京化工大学'] }, 422, 'RECTIFICATION_TARGET_INVALID'],
        ['city.admin', { ...valid(), organizationId: '00000000-0000-4000-8000-000000000000' }, 404, 'ORGANIZATION_NOT_FOUND'],
      ];
      for (const [user, body, status, code] of cases) {
        const res = await issue(user, body);
        expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
      }
      const after = (await t.http().get(RECT).query({ organizationId: ids.school }).set(auth('city.admin')).expect(200)).body.total;
      expect(after).toBe(before);
    });

    it('derives overdue from the deadline, and the dashboards’ summary agrees with the list', async () => {
      // The api refuses a deadline in the past, so an order that has run out is made through the service.
      const service = t.app.get(RectificationsService);
      const { rect } = await service.open({
        organizationId: ids.school, countyId: ids['剑阁县'], schoolId: ids.school, title: '限期整改：已过期限', reason: '用于验证逾期',
        deadline: addDays(today, -2), sourceKind: 'manual', sourceId: null, openKey: null, issuedById: null, issuedByRole: null,
      });
      const detail = await t.http().get(`${RECT}/${rect.id}`).set(auth(schoolAdmin)).expect(200);
      expect(detail.body).toMatchObject({ status: 'open', overdue: true, daysOverdue: 2 });
      const overdue = await t.http().get(RECT).query({ organizationId: ids.school, overdue: 'true' }).set(auth('county.jiange')).expect(200);
      expect(overdue.body.items.map((r: { id: string }) => r.id)).toEqual([rect.id]);

      const all = await t.http().get(RECT).query({ organizationId: ids.school, limit: 100 }).set(auth('city.admin')).expect(200);
      const count = (status: string) => all.body.items.filter((r: { status: string }) => r.status === status).length;
      expect(await service.summary({ schoolId: ids.school })).toEqual({
        total: all.body.total,
        open: count('open'),
        submitted: count('submitted'),
        closed: count('closed'),
        overdue: 1,
      });
      expect((await service.listAll({ schoolId: ids.school })).map((r) => r.id).sort()).toEqual(all.body.items.map((r: { id: string }) => r.id).sort());
    });

    it('denies issuing outside the coordinator’s county, to their own bureau, and by other roles', async () => {
      const denials: [string, object, string][] = [
        ['county.jiange', { ...valid(), organizationId: ids['旺苍东城中学'] }, 'OUT_OF_SCOPE'],
        ['county.jiange', { ...valid(), organizationId: ids['剑阁县'] }, 'ACCESS_DENIED'],
        [schoolAdmin, valid(), 'ACCESS_DENIED'],
        ['admin.jianzhou', valid(), 'ACCESS_DENIED'],
        [schoolTeacher, valid(), 'ACCESS_DENIED'],
        ['mentor.liemian', valid(), 'ACCESS_DENIED'],
      ];
      for (const [user, body, code] of denials) {
        const res = await issue(user, body);
        expect({ user, status: res.status, code: res.body.error?.code }).toEqual({ user, status: 403, code });
      }
    });
  });

  describe('idempotency at the database', () => {
    it('relies on the unique index, not on a look-up: two inserts of one source at once open one order', async () => {
      const service = t.app.get(RectificationsService);
      const draft = {
        organizationId: ids.school, countyId: ids['剑阁县'], schoolId: ids.school, title: '唯一性验证', reason: '并发打开同一来源',
        deadline: addDays(today, 30), sourceKind: 'measure' as const, sourceId: ids.future2, openKey: `measure:${ids.future2}`, issuedById: null, issuedByRole: null,
      };
      // open() has no look-up of its own: whichever insert comes second hits uq_rectification_open_key.
      const results = await Promise.all([service.open(draft), service.open(draft), service.open(draft)]);
      expect(results.filter((r) => r.opened)).toHaveLength(1);
      expect(new Set(results.map((r) => r.rect.id)).size).toBe(1);
      const list = await t.http().get(RECT).query({ organizationId: ids.school, sourceKind: 'measure', limit: 100 }).set(auth('city.admin')).expect(200);
      expect(list.body.items.filter((r: { sourceId: string }) => r.sourceId === ids.future2)).toHaveLength(1);
      // Once closed, the key is free for a later order about the same source.
      await t.http().post(`${RECT}/${results[0].rect.id}/evidence`).set(auth(schoolAdmin)).send({ text: '验证用' }).expect(201);
      await t.http().post(`${RECT}/${results[0].rect.id}/review`).set(auth('city.admin')).send({ decision: 'approve' }).expect(200);
      const reopened = await service.open(draft);
      expect(reopened.opened).toBe(true);
      expect(reopened.rect.id).not.toBe(results[0].rect.id);
    });
  });
});
