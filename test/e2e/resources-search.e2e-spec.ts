import { randomBytes, randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../utils/create-app';
import { ResourceSearchService } from '@app/domain';

const RESOURCES = '/api/v1/resources';

/** Two random CJK Unified Ideographs: a keyword no other spec's records contain (CI specs share one database). */
function rareKeyword(): string {
  const ch = () => String.fromCodePoint(randomInt(0x4e00, 0x9fa5));
  return ch() + ch();
}

interface Item {
  id: string;
  title: string;
  status: string;
  visibility: string;
  organizationName: string | null;
  favourited: boolean;
  filename: string | null;
  downloadCount: number;
}

/**
 * Search and browse (GET /api/v1/resources) as the demo users, on resources this spec uploads and publishes itself
 * with random Chinese keywords, so nothing depends on other specs' records or on global counts.
 */
describe('resource search', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const kw = rareKeyword();
  let cityItem: string;
  let schoolItem: string;

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object) => t.http().post(path).set(as(who)).send(body);
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;
  const search = async (who: string, query: Record<string, string | number>): Promise<{ items: Item[]; nextCursor: string | null }> =>
    (await get(who, RESOURCES).query(query).expect(200)).body;
  const ids = (page: { items: Item[] }) => page.items.map((i) => i.id);

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

  /** Creates an item as `who`, uploads a small PDF, and (for shared items) has the county approve it. */
  async function publish(
    fields: { title: string; description?: string; tags?: string[]; subject?: string; grade?: string; type?: string; edition?: string },
    visibility: 'city' | 'school' | 'partnership',
    who = 'teacher.jianzhou',
    approve = true,
  ): Promise<string> {
    const created = await post(who, RESOURCES, { subject: '数学', grade: '高一', type: 'courseware', tags: [], ...fields, visibility }).expect(201);
    const id = created.body.id as string;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(512), Buffer.from('\n%%EOF\n')]);
    await t.http().post(`${RESOURCES}/${id}/content`).set(as(who)).attach('file', pdf, { filename: `${fields.title}.pdf`, contentType: 'application/pdf' }).expect(202);
    await waitForStatus(who, id, visibility === 'school' ? 'published' : 'pending_review');
    if (visibility !== 'school' && approve) {
      await post('county.jiange', `${RESOURCES}/${id}/review`, { decision: 'approve' }).expect(200);
      await waitForStatus(who, id, 'published');
    }
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'teacher.jianzhou', 'admin.jianzhou', 'teacher.dongcheng']) tokens[who] = await t.login(who);
    for (const name of ['剑州中学', '旺苍东城中学']) {
      const r = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 100 }).expect(200);
      org[name] = r.body.items.find((o: { name: string }) => o.name === name).id;
    }
    cityItem = await publish({ title: `高一数学函数的概念（${kw}）`, description: '函数的概念与表示，含课堂练习', tags: ['函数', 'PPT课件'] }, 'city');
    schoolItem = await publish({ title: `剑州中学校本作业${kw}`, description: '仅本校使用' }, 'school');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lets teacher.dongcheng find a published city resource by a two-character Chinese keyword', async () => {
    const page = await search('teacher.dongcheng', { q: kw });
    expect(ids(page)).toContain(cityItem);
    const hit = page.items.find((i) => i.id === cityItem)!;
    expect(hit).toMatchObject({ status: 'published', visibility: 'city', organizationName: '剑州中学', favourited: false });
    expect(hit.filename).toMatch(/\.pdf$/);
  });

  it("hides 剑州中学's school-only item from teacher.dongcheng in search, get and download, but not from its own school", async () => {
    expect(ids(await search('teacher.dongcheng', { q: kw }))).not.toContain(schoolItem);
    expect(ids(await search('teacher.dongcheng', { q: kw, organizationId: org['剑州中学'] }))).not.toContain(schoolItem);
    expect(code(await get('teacher.dongcheng', `${RESOURCES}/${schoolItem}`).expect(404))).toBe('RESOURCE_NOT_FOUND');
    expect(code(await get('teacher.dongcheng', `${RESOURCES}/${schoolItem}/download`).redirects(0).expect(404))).toBe('RESOURCE_NOT_FOUND');
    expect(ids(await search('teacher.jianzhou', { q: kw }))).toEqual(expect.arrayContaining([cityItem, schoolItem]));
    expect(ids(await search('city.admin', { q: kw }))).toEqual(expect.arrayContaining([cityItem, schoolItem]));
  });

  it('matches 函数 inside 高一数学函数的概念, single characters, several words, tags and latin words by prefix', async () => {
    const mine = { organizationId: org['剑州中学'], limit: 50 };
    expect(ids(await search('teacher.dongcheng', { q: '函数', ...mine }))).toContain(cityItem);
    expect(ids(await search('teacher.dongcheng', { q: `函数 ${kw}` }))).toEqual([cityItem]);
    expect(ids(await search('teacher.dongcheng', { q: `${kw}，函数的概念！` }))).toEqual([cityItem]);
    expect(ids(await search('teacher.dongcheng', { q: `${kw} ppt` }))).toEqual([cityItem]); // tag PPT课件
    expect(ids(await search('teacher.dongcheng', { q: `${kw} 课堂练习` }))).toEqual([cityItem]); // description
    expect(ids(await search('teacher.dongcheng', { q: `${kw[0]} ${kw[1]}` }))).toContain(cityItem); // one character each
    expect(ids(await search('teacher.dongcheng', { q: `${kw} 物理` }))).toEqual([]);
    expect(ids(await search('teacher.dongcheng', { q: `${kw}函` }))).toEqual([]); // that bigram is not in the text
  });

  it('applies the filters and lists other statuses only to those who manage or review them', async () => {
    expect(ids(await search('teacher.dongcheng', { q: kw, subject: '数学', grade: '高一', type: 'courseware' }))).toEqual([cityItem]);
    const misses: Record<string, string>[] = [{ subject: '物理' }, { grade: '高二' }, { type: 'exam_paper' }, { edition: '人教A版' }, { organizationId: org['旺苍东城中学'] }];
    for (const miss of misses) {
      expect(ids(await search('teacher.dongcheng', { q: kw, ...miss }))).toEqual([]);
    }
    const pending = await publish({ title: `待审核的学案${kw}`, type: 'study_guide' }, 'city', 'teacher.jianzhou', false);
    expect(ids(await search('teacher.dongcheng', { q: kw }))).not.toContain(pending);
    expect(ids(await search('teacher.dongcheng', { q: kw, status: 'pending_review' }))).toEqual([]);
    expect(ids(await search('county.jiange', { q: kw, status: 'pending_review' }))).toEqual([pending]);
    expect(ids(await search('teacher.jianzhou', { q: kw, status: 'pending_review' }))).toEqual([pending]);
  });

  it('pages with a cursor, newest first or most downloaded first, without repeats', async () => {
    const pk = rareKeyword();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push(await publish({ title: `分页测试${pk}第${i + 1}份` }, 'school'));
    const first = await search('teacher.jianzhou', { q: pk, limit: 2 });
    expect(ids(first)).toEqual([made[2], made[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await search('teacher.jianzhou', { q: pk, limit: 2, cursor: first.nextCursor! });
    expect(ids(second)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();

    // the oldest item downloaded twice and the middle one once: most downloaded first, ties newest first (by id)
    for (const [id, n] of [[made[0], 2], [made[1], 1]] as const) {
      for (let i = 0; i < n; i++) expect([200, 302]).toContain((await get('teacher.jianzhou', `${RESOURCES}/${id}/download`).redirects(0)).status);
    }
    const byDownloads = await search('teacher.jianzhou', { q: pk, sort: 'downloads', limit: 1 });
    expect(ids(byDownloads)).toEqual([made[0]]);
    const rest = await search('teacher.jianzhou', { q: pk, sort: 'downloads', limit: 5, cursor: byDownloads.nextCursor! });
    expect(ids(rest)).toEqual([made[1], made[2]]);
    expect(code(await get('teacher.jianzhou', RESOURCES).query({ q: pk, sort: 'newest', cursor: byDownloads.nextCursor! }).expect(400))).toBe('SEARCH_CURSOR_INVALID');
  });

  it('re-indexes on edit and forgets deleted items', async () => {
    const ek = rareKeyword();
    const nk = rareKeyword();
    const id = await publish({ title: `修改前的标题${ek}`, tags: ['旧标签'] }, 'school');
    expect(ids(await search('teacher.jianzhou', { q: ek }))).toEqual([id]);
    await t.http().patch(`${RESOURCES}/${id}`).set(as('teacher.jianzhou')).send({ title: `修改后的标题${nk}` }).expect(200);
    expect(ids(await search('teacher.jianzhou', { q: ek }))).toEqual([]);
    expect(ids(await search('teacher.jianzhou', { q: nk }))).toEqual([id]);
    await t.http().patch(`${RESOURCES}/${id}`).set(as('teacher.jianzhou')).send({ tags: [`新标签${ek}`] }).expect(200);
    expect(ids(await search('teacher.jianzhou', { q: `${nk} ${ek}` }))).toEqual([id]);

    const ds = t.app.get(DataSource);
    const docRows = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM resource_search_docs WHERE resourceId = ?', [id]))[0].n);
    expect(await docRows()).toBe(1);
    await t.http().delete(`${RESOURCES}/${id}`).set(as('teacher.jianzhou')).expect(204);
    expect(ids(await search('teacher.jianzhou', { q: nk }))).toEqual([]);
    expect(await docRows()).toBe(0);
  });

  it('keeps its copy of subject, grade and type in step with edits; a lagging copy can hide an item, never show a wrong one', async () => {
    const fk = rareKeyword();
    const id = await publish({ title: `学科调整${fk}`, subject: '数学', grade: '高一', type: 'courseware' }, 'school');
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '数学', grade: '高一', type: 'courseware' }))).toEqual([id]);
    await t.http().patch(`${RESOURCES}/${id}`).set(as('teacher.jianzhou')).send({ subject: '物理', grade: '高二', type: 'lesson_plan' }).expect(200);
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '数学' }))).toEqual([]);
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '物理', grade: '高二', type: 'lesson_plan' }))).toEqual([id]);
    const ds = t.app.get(DataSource);
    const copy = async () => (await ds.query('SELECT subject, grade, type FROM resource_search_docs WHERE resourceId = ?', [id]))[0];
    expect(await copy()).toEqual({ subject: '物理', grade: '高二', type: 'lesson_plan' });

    // A copy written around the entity events lags: the resource's own column still decides what is shown.
    await ds.query("UPDATE resource_search_docs SET subject = '化学' WHERE resourceId = ?", [id]);
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '化学' }))).toEqual([]);
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '物理' }))).toEqual([]);
    // The reconcile job puts it right without rewriting the terms.
    await t.app.get(ResourceSearchService).reconcile();
    expect(await copy()).toEqual({ subject: '物理', grade: '高二', type: 'lesson_plan' });
    expect(ids(await search('teacher.jianzhou', { q: fk, subject: '物理' }))).toEqual([id]);
  });

  it('repairs a damaged index with the reconcile job (city coordinators only)', async () => {
    const ds = t.app.get(DataSource);
    await ds.query('DELETE FROM resource_search_docs WHERE resourceId = ?', [cityItem]);
    expect(ids(await search('teacher.dongcheng', { q: kw }))).not.toContain(cityItem);
    expect(code(await post('teacher.jianzhou', '/api/v1/search-index/reconcile', {}).expect(403))).toBe('ACCESS_DENIED');
    const job = await post('city.admin', '/api/v1/search-index/reconcile', {}).expect(202);
    expect(job.body.jobId).toEqual(expect.any(String));
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      found = ids(await search('teacher.dongcheng', { q: kw })).includes(cityItem);
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBe(true);
  });

  it('rejects bad parameters with 400 and a stable code', async () => {
    for (const query of [{ limit: 0 }, { limit: 51 }, { subject: '数理化' }, { sort: 'random' }, { status: 'gone' }, { q: '字'.repeat(101) }, { unknown: 1 }]) {
      const r = await get('teacher.dongcheng', RESOURCES).query(query).expect(400);
      expect(code(r)).toBe('VALIDATION_FAILED');
    }
    for (const cursor of ['garbage', Buffer.from('["newest",1,"x\' OR 1=1"]').toString('base64url')]) {
      expect(code(await get('teacher.dongcheng', RESOURCES).query({ cursor }).expect(400))).toBe('SEARCH_CURSOR_INVALID');
    }
    expect(code(await t.http().get(RESOURCES).query({ q: kw }).expect(401))).toBe('AUTH_REQUIRED');
  });

  it('browses without a keyword (punctuation alone is no keyword), newest first', async () => {
    const page = await search('teacher.jianzhou', { organizationId: org['剑州中学'], limit: 50 });
    expect(page.items.length).toBeGreaterThan(0);
    const times = page.items.map((i) => (i as unknown as { createdAt: string }).createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(ids(await search('teacher.jianzhou', { q: '，。！', organizationId: org['剑州中学'], limit: 50 }))).toEqual(ids(page));
  });
});
