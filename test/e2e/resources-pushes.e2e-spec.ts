import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addDays, shanghaiDate } from '@app/platform';
import { JobQueue } from '@app/queue';
import { pushesFlagUnopened } from '@app/domain/resources/pushes/jobs/flag-unopened.job';
import { createTestApp, TestApp } from '../utils/create-app';

const PUSHES = '/api/v1/pushes';
const RESOURCES = '/api/v1/resources';
const LIEMIAN = '广安烈面中学 → 剑州中学（组团式帮扶）';
const ANYUE = '资阳安岳中学 → 旺苍东城中学（组团式帮扶）';

interface Receipt {
  schoolId: string;
  schoolName: string;
  countyId: string | null;
  isWeak: boolean;
  deliveredAt: string;
  firstOpenedAt: string | null;
  firstOpenedBy: { id: string; name: string } | null;
  firstDownloadedAt: string | null;
  firstDownloadedBy: { id: string; name: string } | null;
  downloadedResources: number;
  unopenedOverdue: boolean;
  flaggedAt: string | null;
}

/**
 * Pushes (推送) through the HTTP API as the demo users, on resources this spec uploads and publishes itself (unique
 * titles), so the MariaDB pass of CI, where specs share one database, is unaffected by other specs' records and
 * nothing asserts global counts. Receipts advance through the library's real view and download endpoints.
 */
describe('resource pushes', () => {
  let t: TestApp;
  const sfx = randomBytes(3).toString('hex');
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const res: Record<string, string> = {};
  const partnership: Record<string, string> = {};

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object) => t.http().post(path).set(as(who)).send(body);
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;
  const receiptOf = (view: { receipts: Receipt[] }, schoolId: string) => view.receipts.find((r) => r.schoolId === schoolId);
  const pusherView = async (who: string, id: string) => (await get(who, `${PUSHES}/${id}`).expect(200)).body;

  async function orgId(name: string): Promise<string> {
    const r = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 100 }).expect(200);
    const hit = r.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }
  async function partnershipId(name: string): Promise<string> {
    const r = await get('city.admin', '/api/v1/partnerships').query({ limit: 100 }).expect(200);
    const hit = r.body.items.find((p: { name: string }) => p.name === name);
    if (!hit) throw new Error(`partnership ${name} not seeded`);
    return hit.id;
  }

  async function waitForStatus(who: string, id: string, status: string): Promise<void> {
    let last = '';
    for (let i = 0; i < 200; i++) {
      last = (await get(who, `${RESOURCES}/${id}`).expect(200)).body.status;
      if (last === status) return;
      if (last === 'rejected') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`resource ${id} is ${last}, expected ${status}`);
  }

  /** Uploads a small PDF as `who` and brings the item to published (county review for items shared beyond the school). */
  async function publish(title: string, visibility: 'city' | 'school' | 'partnership', who = 'teacher.jianzhou', publishIt = true): Promise<string> {
    const created = await post(who, RESOURCES, { title, description: `推送测试 ${sfx}`, type: 'courseware', subject: '数学', grade: '高一', tags: ['推送'], visibility }).expect(201);
    const id = created.body.id as string;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1024), Buffer.from('\n%%EOF\n')]);
    const upload = await t.http().post(`${RESOURCES}/${id}/content`).set(as(who)).attach('file', pdf, { filename: `${title}.pdf`, contentType: 'application/pdf' });
    expect(upload.status).toBe(202);
    await waitForStatus(who, id, visibility === 'school' ? 'published' : 'pending_review');
    if (visibility !== 'school' && publishIt) {
      await post('county.jiange', `${RESOURCES}/${id}/review`, { decision: 'approve' }).expect(200);
      await waitForStatus(who, id, 'published');
    }
    return id;
  }

  async function download(who: string, id: string): Promise<void> {
    const r = await get(who, `${RESOURCES}/${id}/download`).redirects(0);
    expect([200, 302]).toContain(r.status);
  }

  async function notificationsOf(who: string, type: string, pushId: string) {
    const r = await get(who, '/api/v1/notifications').query({ limit: 100 }).expect(200);
    return (r.body.items as { type: string; title: string; link: { kind: string; id: string } | null }[]).filter((n) => n.type === type && n.link?.kind === 'push' && n.link.id === pushId);
  }

  async function pushResourcesDone(who: string, id: string): Promise<{ done: number; source: string }> {
    const r = await get(who, `/api/v1/partnerships/${id}/obligations`).expect(200);
    const push = r.body.term.obligations.find((o: { kind: string }) => o.kind === 'resource_push');
    return { done: push.done, source: push.source };
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) tokens[who] = await t.login(who);
    for (const name of ['剑阁县', '旺苍县', '剑州中学', '旺苍东城中学', '剑门关高中', '广元中学']) org[name] = await orgId(name);
    partnership.liemian = await partnershipId(LIEMIAN);
    partnership.anyue = await partnershipId(ANYUE);
    res.func = await publish(`高一数学函数的概念-推送-${sfx}`, 'city');
    res.exp = await publish(`指数函数课件-推送-${sfx}`, 'city');
    res.log = await publish(`对数函数课件-推送-${sfx}`, 'city');
    res.schoolOnly = await publish(`剑州中学校本作业-推送-${sfx}`, 'school');
    res.pending = await publish(`待审核课件-推送-${sfx}`, 'city', 'teacher.jianzhou', false);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('a push to the weak schools', () => {
    let pushId: string;

    it('is delivered to every weak school, appears in their staff’s inboxes and notifies them', async () => {
      const created = await post('city.admin', PUSHES, { resourceIds: [res.func, res.exp], target: 'weak_schools', message: '请各校数学组在本周教研活动中研讨使用。' }).expect(201);
      pushId = created.body.id;
      expect(created.body).toMatchObject({
        view: 'pusher',
        title: `高一数学函数的概念-推送-${sfx}等2件资源`,
        message: '请各校数学组在本周教研活动中研讨使用。',
        target: { kind: 'weak_schools', partnership: null },
        collection: null,
        pushedOn: shanghaiDate(),
        resourceCount: 2,
        pushedBy: { name: '李建国' },
        pushedByOrganization: { name: '市教育局' },
      });
      expect(created.body.resources.map((r: { id: string; available: boolean }) => [r.id, r.available])).toEqual([
        [res.func, true],
        [res.exp, true],
      ]);
      const receipts: Receipt[] = created.body.receipts;
      expect(receipts.map((r) => r.schoolId)).toEqual(expect.arrayContaining([org['剑州中学'], org['旺苍东城中学'], org['剑门关高中']]));
      expect(receipts.map((r) => r.schoolId)).not.toContain(org['广元中学']);
      expect(receipts.every((r) => r.isWeak && r.deliveredAt && r.firstOpenedAt === null && r.firstDownloadedAt === null && !r.unopenedOverdue)).toBe(true);
      expect(created.body.schoolCount).toBe(receipts.length);
      expect(created.body.adoption).toMatchObject({ schools: receipts.length, opened: 0, downloaded: 0, unopenedOverdue: 0 });
      expect(created.body.flagged).toBe(false);

      for (const who of ['teacher.dongcheng', 'admin.dongcheng', 'teacher.jianzhou']) {
        const inbox = await get(who, `${PUSHES}/inbox`).query({ limit: 100 }).expect(200);
        const item = inbox.body.items.find((i: { id: string }) => i.id === pushId);
        expect(item).toMatchObject({ view: 'recipient', resourceCount: 2, receipt: { firstOpenedAt: null, firstDownloadedAt: null } });
        expect(item.receipts).toBeUndefined();
        expect(item.resources.map((r: { id: string }) => r.id)).toEqual([res.func, res.exp]);
        expect(inbox.body.unopened).toBeGreaterThanOrEqual(1);
        expect((await notificationsOf(who, 'push.received', pushId)).length).toBe(1);
      }
    });

    it('records the first open when a teacher opens the push, once per school', async () => {
      const opened = await get('teacher.dongcheng', `${PUSHES}/${pushId}`).expect(200);
      expect(opened.body).toMatchObject({ id: pushId, view: 'recipient', receipt: { schoolId: org['旺苍东城中学'], firstOpenedBy: { name: '杨丽' }, firstDownloadedAt: null } });
      expect(opened.body.receipt.firstOpenedAt).toBeTruthy();
      expect(opened.body.receipts).toBeUndefined();
      // The school admin opening later keeps the teacher's first open.
      const again = await get('admin.dongcheng', `${PUSHES}/${pushId}`).expect(200);
      expect(again.body.receipt.firstOpenedAt).toBe(opened.body.receipt.firstOpenedAt);
      expect(again.body.receipt.firstOpenedBy.name).toBe('杨丽');

      const view = await pusherView('city.admin', pushId);
      expect(receiptOf(view, org['旺苍东城中学'])).toMatchObject({ firstOpenedAt: opened.body.receipt.firstOpenedAt, firstOpenedBy: { name: '杨丽' }, firstDownloadedAt: null });
      expect(receiptOf(view, org['剑州中学'])).toMatchObject({ firstOpenedAt: null, firstDownloadedAt: null });
      expect(view.adoption.opened).toBe(1);
      const unopened = await get('teacher.dongcheng', `${PUSHES}/inbox`).query({ unopened: true, limit: 100 }).expect(200);
      expect(unopened.body.items.map((i: { id: string }) => i.id)).not.toContain(pushId);
    });

    it('records the first download when a teacher downloads a pushed resource', async () => {
      await download('teacher.dongcheng', res.func);
      let view = await pusherView('city.admin', pushId);
      const dongcheng = receiptOf(view, org['旺苍东城中学'])!;
      expect(dongcheng).toMatchObject({ firstDownloadedBy: { name: '杨丽' }, downloadedResources: 1 });
      expect(dongcheng.firstDownloadedAt).toBeTruthy();
      // Downloading again, or the other resource, keeps the first download time and counts resources once.
      await download('teacher.dongcheng', res.func);
      await download('teacher.dongcheng', res.exp);
      view = await pusherView('city.admin', pushId);
      expect(receiptOf(view, org['旺苍东城中学'])).toMatchObject({ firstDownloadedAt: dongcheng.firstDownloadedAt, downloadedResources: 2 });
      // A resource not in the push changes nothing.
      await download('teacher.jianzhou', res.log);
      expect(receiptOf(await pusherView('city.admin', pushId), org['剑州中学'])).toMatchObject({ firstOpenedAt: null, firstDownloadedAt: null });
    });

    it('counts a download found by other means (search) as opening and downloading, and a view of the resource as opening', async () => {
      await download('teacher.jianzhou', res.exp);
      let view = await pusherView('city.admin', pushId);
      const jianzhou = receiptOf(view, org['剑州中学'])!;
      expect(jianzhou).toMatchObject({ firstOpenedBy: { name: '刘晓燕' }, firstDownloadedBy: { name: '刘晓燕' }, downloadedResources: 1 });
      expect(jianzhou.firstOpenedAt).toBe(jianzhou.firstDownloadedAt);
      expect(view.adoption).toMatchObject({ opened: 2, downloaded: 2 });
      // 剑门关高中 has no demo teacher: it stays unopened, and a coordinator's views and downloads are not a school's.
      await get('county.jiange', `${RESOURCES}/${res.func}`).expect(200);
      await download('county.jiange', res.func);
      view = await pusherView('city.admin', pushId);
      expect(receiptOf(view, org['剑门关高中'])).toMatchObject({ firstOpenedAt: null, firstDownloadedAt: null });
    });

    it('records the first open when a teacher opens a pushed resource from the inbox', async () => {
      const teacher = `spec.push.jmg.${sfx}`;
      await post('city.admin', '/api/v1/users', { username: teacher, password: 'Spec2026pass', name: '测试剑门关教师', role: 'teacher', organizationId: org['剑门关高中'] }).expect(201);
      tokens[teacher] = await t.login(teacher, 'Spec2026pass');
      const inbox = await get(teacher, `${PUSHES}/inbox`).query({ unopened: true, limit: 100 }).expect(200);
      expect(inbox.body.items.map((i: { id: string }) => i.id)).toContain(pushId);
      // Only resources of the push, only for staff of a target school.
      expect(code(await post(teacher, `${PUSHES}/${pushId}/open`, { resourceId: res.log }).expect(404))).toBe('RESOURCE_NOT_FOUND');
      expect(code(await post('city.admin', `${PUSHES}/${pushId}/open`, {}).expect(403))).toBe('ACCESS_DENIED');
      const opened = await post(teacher, `${PUSHES}/${pushId}/open`, { resourceId: res.exp }).expect(200);
      expect(opened.body).toMatchObject({ id: pushId, view: 'recipient', receipt: { schoolId: org['剑门关高中'], firstOpenedBy: { name: '测试剑门关教师' }, firstDownloadedAt: null } });
      const again = await post(teacher, `${PUSHES}/${pushId}/open`, {}).expect(200);
      expect(again.body.receipt.firstOpenedAt).toBe(opened.body.receipt.firstOpenedAt);
      expect(receiptOf(await pusherView('city.admin', pushId), org['剑门关高中'])).toMatchObject({ firstOpenedAt: opened.body.receipt.firstOpenedAt, firstDownloadedAt: null });
    });

    it('lists the push among the city’s sent pushes with its adoption', async () => {
      const sent = await get('city.admin', PUSHES).query({ limit: 100 }).expect(200);
      const item = sent.body.items.find((i: { id: string }) => i.id === pushId);
      expect(item).toMatchObject({ title: `高一数学函数的概念-推送-${sfx}等2件资源`, adoption: { opened: 3, downloaded: 2 }, flagged: false });
      expect(item.receipts).toBeUndefined();
    });

    it('is hidden from everyone but the city, the pusher’s organization and the target schools', async () => {
      for (const who of ['county.jiange', 'mentor.liemian']) expect(code(await get(who, `${PUSHES}/${pushId}`).expect(404))).toBe('PUSH_NOT_FOUND');
      expect(code(await get('city.admin', `${PUSHES}/00000000-0000-4000-8000-000000000000`).expect(404))).toBe('PUSH_NOT_FOUND');
      expect(code(await get('city.admin', `${PUSHES}/not-a-uuid`).expect(400))).toBe('VALIDATION_FAILED');
      for (const who of ['county.jiange', 'mentor.liemian']) {
        const sent = await get(who, PUSHES).query({ limit: 100 }).expect(200);
        expect(sent.body.items.map((i: { id: string }) => i.id)).not.toContain(pushId);
      }
      await t.http().get(`${PUSHES}/${pushId}`).expect(401);
    });
  });

  describe('who pushes what to whom', () => {
    it('keeps pushing to coordinators and mentors, and the inbox to school staff', async () => {
      const body = { resourceIds: [res.func], target: 'weak_schools', message: '测试' };
      for (const who of ['teacher.jianzhou', 'admin.jianzhou']) expect(code(await post(who, PUSHES, body).expect(403))).toBe('ACCESS_DENIED');
      for (const who of ['teacher.jianzhou', 'admin.jianzhou']) expect(code(await get(who, PUSHES).expect(403))).toBe('ACCESS_DENIED');
      for (const who of ['city.admin', 'county.jiange', 'mentor.liemian']) expect(code(await get(who, `${PUSHES}/inbox`).expect(403))).toBe('ACCESS_DENIED');
    });

    it('gives a county coordinator the weak schools of their county only, and refuses schools outside it', async () => {
      const created = await post('county.jiange', PUSHES, { resourceIds: [res.log], target: 'weak_schools', message: '剑阁县薄弱学校数学组参考' }).expect(201);
      const receipts: Receipt[] = created.body.receipts;
      expect(receipts.map((r) => r.schoolId)).toEqual(expect.arrayContaining([org['剑州中学'], org['剑门关高中']]));
      expect(receipts.every((r) => r.countyId === org['剑阁县'] && r.isWeak)).toBe(true);
      expect(receipts.map((r) => r.schoolId)).not.toContain(org['旺苍东城中学']);
      // The county sees its own push (and the city every push); Wangcang's teacher never gets it.
      expect((await get('county.jiange', PUSHES).query({ limit: 100 }).expect(200)).body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
      const inbox = await get('teacher.dongcheng', `${PUSHES}/inbox`).query({ limit: 100 }).expect(200);
      expect(inbox.body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
      expect(code(await get('teacher.dongcheng', `${PUSHES}/${created.body.id}`).expect(404))).toBe('PUSH_NOT_FOUND');
      expect(code(await post('teacher.dongcheng', `${PUSHES}/${created.body.id}/open`, {}).expect(404))).toBe('PUSH_NOT_FOUND');
      // A teacher opening the pushed resource itself (GET /resources/:id) opens the push for the school; the earlier
      // download of the same resource, made before the push, does not count for it.
      await get('teacher.jianzhou', `${RESOURCES}/${res.log}`).expect(200);
      const seen = receiptOf(await pusherView('county.jiange', created.body.id), org['剑州中学'])!;
      expect(seen).toMatchObject({ firstOpenedBy: { name: '刘晓燕' }, firstDownloadedAt: null, downloadedResources: 0 });
      expect(receiptOf(await pusherView('county.jiange', created.body.id), org['剑门关高中'])).toMatchObject({ firstOpenedAt: null });

      const outside = await post('county.jiange', PUSHES, { resourceIds: [res.log], target: 'schools', schoolIds: [org['剑州中学'], org['旺苍东城中学']], message: '越界' }).expect(403);
      expect(outside.body.error).toMatchObject({ code: 'OUT_OF_SCOPE', details: { schoolIds: [org['旺苍东城中学']] } });
      const listed = await post('county.jiange', PUSHES, { resourceIds: [res.log], target: 'schools', schoolIds: [org['剑州中学']], message: '只推剑州' }).expect(201);
      expect(listed.body.receipts.map((r: Receipt) => r.schoolName)).toEqual(['剑州中学']);
      expect(listed.body.target).toEqual({ kind: 'schools', partnership: null });
    });

    it('lets a mentor push only to the member schools of the partnerships they mentor', async () => {
      const toMember = await post('mentor.liemian', PUSHES, { resourceIds: [res.exp], target: 'schools', schoolIds: [org['剑州中学']], message: '烈面中学物理组推荐' }).expect(201);
      expect(toMember.body.receipts.map((r: Receipt) => r.schoolName)).toEqual(['剑州中学']);
      const out = await post('mentor.liemian', PUSHES, { resourceIds: [res.exp], target: 'schools', schoolIds: [org['旺苍东城中学']], message: '越界' }).expect(403);
      expect(code(out)).toBe('OUT_OF_SCOPE');
      expect(code(await post('mentor.liemian', PUSHES, { resourceIds: [res.exp], target: 'partnership', partnershipId: partnership.anyue, message: '越界' }).expect(403))).toBe('OUT_OF_SCOPE');
      const viaPartnership = await post('mentor.liemian', PUSHES, { resourceIds: [res.exp], target: 'partnership', partnershipId: partnership.liemian, message: '帮扶资源' }).expect(201);
      expect(viaPartnership.body.target).toEqual({ kind: 'partnership', partnership: { id: partnership.liemian, name: LIEMIAN } });
      expect(viaPartnership.body.receipts.map((r: Receipt) => r.schoolName)).toEqual(['剑州中学']);
      // A mentor's "weak schools" are the weak ones among their member schools.
      const weak = await post('mentor.liemian', PUSHES, { resourceIds: [res.exp], target: 'weak_schools', message: '帮扶资源' }).expect(201);
      expect(weak.body.receipts.map((r: Receipt) => r.schoolName)).toEqual(['剑州中学']);
      // The mentor (their organization) sees adoption of their own pushes; the city too.
      expect((await pusherView('mentor.liemian', toMember.body.id)).view).toBe('pusher');
      expect((await pusherView('city.admin', toMember.body.id)).view).toBe('pusher');
      expect(code(await get('county.jiange', `${PUSHES}/${toMember.body.id}`).expect(404))).toBe('PUSH_NOT_FOUND');
    });

    it('pushes a collection (专题资源包) as the resources it holds at push time', async () => {
      const col = await post('city.admin', '/api/v1/collections', { name: `函数专题-推送-${sfx}`, visibility: 'city' }).expect(201);
      for (const resourceId of [res.log, res.func]) await post('city.admin', `/api/v1/collections/${col.body.id}/items`, { resourceId }).expect(201);
      const created = await post('city.admin', PUSHES, { collectionId: col.body.id, target: 'schools', schoolIds: [org['旺苍东城中学']], message: '函数单元专题资源包' }).expect(201);
      expect(created.body).toMatchObject({ title: `专题资源包：函数专题-推送-${sfx}`, collection: { id: col.body.id, name: `函数专题-推送-${sfx}` }, resourceCount: 2 });
      expect(created.body.resources.map((r: { id: string }) => r.id)).toEqual([res.log, res.func]);
      // Adding to the collection later does not change what was pushed.
      await post('city.admin', `/api/v1/collections/${col.body.id}/items`, { resourceId: res.exp }).expect(201);
      const inbox = await get('teacher.dongcheng', `${PUSHES}/inbox`).query({ limit: 100 }).expect(200);
      const item = inbox.body.items.find((i: { id: string }) => i.id === created.body.id);
      expect(item.collection).toEqual({ id: col.body.id, name: `函数专题-推送-${sfx}` });
      expect(item.resources.map((r: { id: string; available: boolean }) => [r.id, r.available])).toEqual([
        [res.log, true],
        [res.func, true],
      ]);
      // A collection the pusher cannot see is not found; an empty one has nothing to push.
      const draft = await post('county.jiange', '/api/v1/collections', { name: `县级草稿专题-${sfx}`, visibility: 'city', status: 'draft' }).expect(201);
      expect(code(await post('mentor.liemian', PUSHES, { collectionId: draft.body.id, target: 'weak_schools', message: '草稿' }).expect(404))).toBe('COLLECTION_NOT_FOUND');
      expect(code(await post('county.jiange', PUSHES, { collectionId: draft.body.id, target: 'weak_schools', message: '空' }).expect(422))).toBe('PUSH_RESOURCES_UNAVAILABLE');
    });

    it('never pushes what the target schools may not open, nor unpublished or unknown resources', async () => {
      const hidden = await post('city.admin', PUSHES, { resourceIds: [res.func, res.schoolOnly], target: 'weak_schools', message: '测试' }).expect(422);
      expect(code(hidden)).toBe('PUSH_RESOURCES_NOT_VISIBLE_TO_TARGETS');
      const blocked = hidden.body.error.details.resources;
      expect(blocked.map((b: { resourceId: string }) => b.resourceId)).toEqual([res.schoolOnly]);
      expect(blocked[0].schoolIds).toEqual(expect.arrayContaining([org['旺苍东城中学'], org['剑门关高中']]));
      expect(blocked[0].schoolIds).not.toContain(org['剑州中学']);
      // To its own school alone a school-only item may be pushed.
      await post('county.jiange', PUSHES, { resourceIds: [res.schoolOnly], target: 'schools', schoolIds: [org['剑州中学']], message: '本校资源' }).expect(201);

      const unknown = '00000000-0000-4000-8000-000000000000';
      const unavailable = await post('city.admin', PUSHES, { resourceIds: [res.pending, unknown], target: 'weak_schools', message: '测试' }).expect(422);
      expect(unavailable.body.error).toMatchObject({
        code: 'PUSH_RESOURCES_UNAVAILABLE',
        details: { resources: [{ resourceId: res.pending, reason: 'not_published' }, { resourceId: unknown, reason: 'not_found' }] },
      });
      // Another school's school-only item is "not found" to a mentor who cannot see it.
      const invisible = await post('mentor.liemian', PUSHES, { resourceIds: [res.schoolOnly], target: 'weak_schools', message: '测试' }).expect(422);
      expect(invisible.body.error.details.resources).toEqual([{ resourceId: res.schoolOnly, reason: 'not_found' }]);
    });

    it('refuses malformed pushes with a stable code and stores nothing', async () => {
      const before = (await get('city.admin', PUSHES).query({ limit: 1 }).expect(200)).body.total;
      const bad: [object, number, string][] = [
        [{ target: 'weak_schools', message: '无内容' }, 422, 'PUSH_CONTENT_INVALID'],
        [{ resourceIds: [res.func], collectionId: res.func, target: 'weak_schools', message: '二者' }, 422, 'PUSH_CONTENT_INVALID'],
        [{ resourceIds: [], target: 'weak_schools', message: '空' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func, res.func], target: 'weak_schools', message: '重复' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'weak_schools', message: '' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'weak_schools', message: '长'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'everyone', message: '对象' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'schools', message: '无学校' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'partnership', message: '无帮扶关系' }, 400, 'VALIDATION_FAILED'],
        [{ resourceIds: [res.func], target: 'weak_schools', schoolIds: [org['剑州中学']], message: '多余' }, 422, 'PUSH_TARGET_INVALID'],
        [{ resourceIds: [res.func], target: 'schools', schoolIds: [org['剑阁县']], message: '县不是学校' }, 422, 'PUSH_TARGET_INVALID'],
        [{ resourceIds: [res.func], target: 'partnership', partnershipId: '00000000-0000-4000-8000-000000000000', message: '未知' }, 404, 'PARTNERSHIP_NOT_FOUND'],
        [{ resourceIds: [res.func], target: 'weak_schools', message: '多余字段', extra: 1 }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, expected] of bad) {
        const r = await post('city.admin', PUSHES, body);
        expect([JSON.stringify(body).slice(0, 80), r.status, code(r)]).toEqual([JSON.stringify(body).slice(0, 80), status, expected]);
      }
      expect((await get('city.admin', PUSHES).query({ limit: 1 }).expect(200)).body.total).toBe(before);
    });
  });

  describe('the partnerships’ “resources pushed” obligation', () => {
    it('counts the distinct resources pushed for the partnership this term, and nothing else', async () => {
      const fresh = [await publish(`帮扶推送计数一-${sfx}`, 'city'), await publish(`帮扶推送计数二-${sfx}`, 'city')];
      const before = await pushResourcesDone('admin.jianzhou', partnership.liemian);
      expect(before.source).toBe('recorded');
      // A city push to the weak schools (剑州中学 included) is the city's own, not the partnership's.
      await post('city.admin', PUSHES, { resourceIds: fresh, target: 'weak_schools', message: '市级推送' }).expect(201);
      expect((await pushResourcesDone('admin.jianzhou', partnership.liemian)).done).toBe(before.done);
      // The mentor's push to the member school counts each new resource once ...
      await post('mentor.liemian', PUSHES, { resourceIds: fresh, target: 'schools', schoolIds: [org['剑州中学']], message: '帮扶推送' }).expect(201);
      expect((await pushResourcesDone('admin.jianzhou', partnership.liemian)).done).toBe(before.done + 2);
      // ... and pushing the same resources again, even as a partnership target by the city, adds nothing.
      await post('city.admin', PUSHES, { resourceIds: [fresh[1]], target: 'partnership', partnershipId: partnership.liemian, message: '再推' }).expect(201);
      expect((await pushResourcesDone('mentor.liemian', partnership.liemian)).done).toBe(before.done + 2);
      // Another partnership is unaffected.
      const anyue = await pushResourcesDone('city.admin', partnership.anyue);
      await post('city.admin', PUSHES, { resourceIds: fresh, target: 'partnership', partnershipId: partnership.liemian, message: '再推' }).expect(201);
      expect((await pushResourcesDone('city.admin', partnership.anyue)).done).toBe(anyue.done);
    });
  });

  describe('pushes left unopened', () => {
    it('are scheduled for a daily check in Asia/Shanghai', async () => {
      const scheduled = await t.app.get(JobQueue).listScheduled();
      expect(scheduled.filter((s) => s.name === 'pushes.flag-unopened')).toEqual([expect.objectContaining({ key: 'daily', cron: '0 7 * * *', tz: 'Asia/Shanghai' })]);
    });

    it('are flagged to the pusher after PUSH_UNOPENED_DAYS, once, on the push view and the sent list', async () => {
      const created = await post('county.jiange', PUSHES, {
        resourceIds: [res.func],
        target: 'schools',
        schoolIds: [org['剑州中学'], org['剑门关高中']],
        message: '请于一周内查看',
      }).expect(201);
      const id = created.body.id;
      expect(created.body.unopenedDays).toBe(t.config.PUSH_UNOPENED_DAYS);
      await get('teacher.jianzhou', `${PUSHES}/${id}`).expect(200);

      // Nothing is due yet: the check flags nothing of this push.
      await runFlagJob();
      expect((await pusherView('county.jiange', id)).flagged).toBe(false);

      // Move the push back in time as if it had been made PUSH_UNOPENED_DAYS ago.
      const days = t.config.PUSH_UNOPENED_DAYS;
      await t.app.get(DataSource).query('UPDATE resource_pushes SET pushedOn = ? WHERE id = ?', [addDays(shanghaiDate(), -days), id]);
      let view = await pusherView('county.jiange', id);
      expect(receiptOf(view, org['剑门关高中'])).toMatchObject({ unopenedOverdue: true, flaggedAt: null });
      expect(receiptOf(view, org['剑州中学'])).toMatchObject({ unopenedOverdue: false, flaggedAt: null });
      expect(view.flagged).toBe(false);

      await runFlagJob();
      view = await pusherView('county.jiange', id);
      expect(view.flagged).toBe(true);
      expect(receiptOf(view, org['剑门关高中'])!.flaggedAt).toBeTruthy();
      expect(receiptOf(view, org['剑州中学'])!.flaggedAt).toBeNull();
      expect(view.adoption).toMatchObject({ schools: 2, opened: 1, unopenedOverdue: 1 });
      const notes = await notificationsOf('county.jiange', 'push.unopened', id);
      expect(notes).toHaveLength(1);
      expect(notes[0].title).toContain(`有 1 所学校超过 ${days} 天未查看`);
      const flaggedList = await get('county.jiange', PUSHES).query({ flagged: true, limit: 100 }).expect(200);
      expect(flaggedList.body.items.map((i: { id: string }) => i.id)).toContain(id);
      expect(flaggedList.body.items.every((i: { flagged: boolean }) => i.flagged)).toBe(true);

      // Running again flags and notifies nothing twice.
      await runFlagJob();
      expect(await notificationsOf('county.jiange', 'push.unopened', id)).toHaveLength(1);
    });
  });

  async function runFlagJob(): Promise<void> {
    const queue = t.app.get(JobQueue);
    const job = await queue.enqueue(pushesFlagUnopened, { trigger: 'manual' });
    let state = job.state;
    for (let i = 0; i < 150 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await queue.getJob(job.id))!.state;
    }
    expect(state).toBe('completed');
  }
});
