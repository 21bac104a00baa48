import { randomBytes } from 'node:crypto';
import type { Principal } from '@app/platform';
import { PushCollections } from '@app/domain/resources/pushes/push-collections.port';
import { createTestApp, TestApp } from '../utils/create-app';

const RESOURCES = '/api/v1/resources';
const COLLECTIONS = '/api/v1/collections';
const FAVOURITES = '/api/v1/favourites';

interface CollectionBody {
  id: string;
  name: string;
  itemCount: number;
  status: string;
  organizationName: string | null;
  createdByName: string | null;
  permissions: { manage: boolean };
  items: { position: number; note: string | null; resource: { id: string; title: string } }[];
}

/**
 * Collections (专题资源包) and favourites as the demo users, on resources and collections this spec creates with
 * unique names (CI specs share one database; nothing asserts global counts).
 */
describe('resource collections and favourites', () => {
  let t: TestApp;
  const sfx = randomBytes(3).toString('hex');
  const tokens: Record<string, string> = {};
  const res: Record<string, string> = {};
  let cityPack: string;
  let dongchengPack: string;

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object) => t.http().post(path).set(as(who)).send(body);
  const patch = (who: string, path: string, body: object) => t.http().patch(path).set(as(who)).send(body);
  const del = (who: string, path: string) => t.http().delete(path).set(as(who));
  const put = (who: string, path: string) => t.http().put(path).set(as(who));
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;
  const itemIds = (c: CollectionBody) => c.items.map((i) => i.resource.id);
  const principalOf = (who: string): Principal => {
    const claims = JSON.parse(Buffer.from(tokens[who].split('.')[1], 'base64url').toString('utf8'));
    return { userId: claims.sub, username: claims.usr, role: claims.role, organizationId: claims.org, countyId: claims.cty };
  };

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

  async function publish(title: string, visibility: 'city' | 'school', who = 'teacher.jianzhou'): Promise<string> {
    const created = await post(who, RESOURCES, { title, description: `专题包测试 ${sfx}`, type: 'lesson_plan', subject: '数学', grade: '高三', tags: ['二轮复习'], visibility }).expect(201);
    const id = created.body.id as string;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(256), Buffer.from('\n%%EOF\n')]);
    await t.http().post(`${RESOURCES}/${id}/content`).set(as(who)).attach('file', pdf, { filename: `${title}.pdf`, contentType: 'application/pdf' }).expect(202);
    await waitForStatus(who, id, visibility === 'school' ? 'published' : 'pending_review');
    if (visibility === 'city') {
      await post('county.jiange', `${RESOURCES}/${id}/review`, { decision: 'approve' }).expect(200);
      await waitForStatus(who, id, 'published');
    }
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'teacher.jianzhou', 'admin.jianzhou', 'teacher.dongcheng']) tokens[who] = await t.login(who);
    res.city1 = await publish(`导数压轴题专题 ${sfx}`, 'city');
    res.city2 = await publish(`圆锥曲线综合 ${sfx}`, 'city');
    res.school = await publish(`剑州中学校本练习 ${sfx}`, 'school');
    const draft = await post('teacher.jianzhou', RESOURCES, { title: `未上传文件的草稿 ${sfx}`, type: 'other', subject: '数学', grade: '高三', visibility: 'city' }).expect(201);
    res.draft = draft.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lets a county coordinator build a city-wide collection that other schools see, in the curated order', async () => {
    const created = await post('county.jiange', COLLECTIONS, { name: `高考数学二轮复习 ${sfx}`, description: '县教研室精选', visibility: 'city' }).expect(201);
    cityPack = created.body.id;
    expect(created.body).toMatchObject({ status: 'published', itemCount: 0, organizationName: '剑阁县', permissions: { manage: true }, items: [] });

    await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city1, note: '第一课时' }).expect(201);
    const two = (await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city2, position: 1 }).expect(201)).body as CollectionBody;
    expect(itemIds(two)).toEqual([res.city2, res.city1]);
    expect(two.items.map((i) => i.position)).toEqual([1, 2]);
    expect(two.items[1].note).toBe('第一课时');

    const seen = (await get('teacher.dongcheng', `${COLLECTIONS}/${cityPack}`).expect(200)).body as CollectionBody;
    expect(itemIds(seen)).toEqual([res.city2, res.city1]);
    expect(seen.permissions.manage).toBe(false);
    const listed = await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx }).expect(200);
    expect(listed.body.items.map((c: CollectionBody) => c.id)).toEqual([cityPack]);
    expect(listed.body.items[0].itemCount).toBe(2);
  });

  it('moves, annotates and removes items', async () => {
    const moved = (await patch('county.jiange', `${COLLECTIONS}/${cityPack}/items/${res.city1}`, { position: 1, note: null }).expect(200)).body as CollectionBody;
    expect(itemIds(moved)).toEqual([res.city1, res.city2]);
    expect(moved.items[0].note).toBeNull();
    expect(itemIds((await patch('county.jiange', `${COLLECTIONS}/${cityPack}/items/${res.city1}`, { position: 99 }).expect(200)).body)).toEqual([res.city2, res.city1]);
    await del('county.jiange', `${COLLECTIONS}/${cityPack}/items/${res.city2}`).expect(204);
    expect(code(await del('county.jiange', `${COLLECTIONS}/${cityPack}/items/${res.city2}`).expect(404))).toBe('COLLECTION_ITEM_NOT_FOUND');
    expect(itemIds((await get('county.jiange', `${COLLECTIONS}/${cityPack}`).expect(200)).body)).toEqual([res.city1]);
    await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city2 }).expect(201);
  });

  it("shows each viewer only the items they may see (剑州中学's school-only item stays inside 剑州中学)", async () => {
    // The county coordinator supervises 剑州中学 and may add its school-only item.
    await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.school }).expect(201);
    expect(itemIds((await get('county.jiange', `${COLLECTIONS}/${cityPack}`).expect(200)).body)).toEqual([res.city1, res.city2, res.school]);
    expect(itemIds((await get('teacher.jianzhou', `${COLLECTIONS}/${cityPack}`).expect(200)).body)).toEqual([res.city1, res.city2, res.school]);
    const dongcheng = (await get('teacher.dongcheng', `${COLLECTIONS}/${cityPack}`).expect(200)).body as CollectionBody;
    expect(itemIds(dongcheng)).toEqual([res.city1, res.city2]);
    expect(dongcheng.itemCount).toBe(2);
    const listed = await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx }).expect(200);
    expect(listed.body.items[0].itemCount).toBe(2);

    // Pushes read a collection through the PushCollections port with the same rule.
    const port = t.app.get(PushCollections, { strict: false });
    const forDongcheng = await port.contents(principalOf('teacher.dongcheng'), cityPack);
    expect(forDongcheng.resources.map((r) => r.id)).toEqual([res.city1, res.city2]);
    expect(forDongcheng.name).toBe(`高考数学二轮复习 ${sfx}`);
  });

  it('refuses what the rules forbid, with stable codes', async () => {
    expect(code(await post('teacher.jianzhou', COLLECTIONS, { name: `全市包 ${sfx}`, visibility: 'city' }).expect(403))).toBe('COLLECTION_VISIBILITY_NOT_ALLOWED');
    expect(code(await patch('teacher.dongcheng', `${COLLECTIONS}/${cityPack}`, { name: '改名' }).expect(403))).toBe('COLLECTION_ACCESS_DENIED');
    expect(code(await del('teacher.dongcheng', `${COLLECTIONS}/${cityPack}`).expect(403))).toBe('COLLECTION_ACCESS_DENIED');
    expect(code(await post('teacher.dongcheng', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city1 }).expect(403))).toBe('COLLECTION_ACCESS_DENIED');
    expect(code(await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city1 }).expect(409))).toBe('COLLECTION_ITEM_EXISTS');
    expect(code(await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.draft }).expect(422))).toBe('COLLECTION_ITEM_NOT_PUBLISHED');

    dongchengPack = (await post('teacher.dongcheng', COLLECTIONS, { name: `东城校本包 ${sfx}`, visibility: 'school' }).expect(201)).body.id;
    expect(code(await post('teacher.dongcheng', `${COLLECTIONS}/${dongchengPack}/items`, { resourceId: res.school }).expect(404))).toBe('RESOURCE_NOT_FOUND');
    expect(code(await get('teacher.jianzhou', `${COLLECTIONS}/${dongchengPack}`).expect(404))).toBe('COLLECTION_NOT_FOUND');
    expect(code(await get('teacher.jianzhou', `${COLLECTIONS}/no-such-id`).expect(404))).toBe('COLLECTION_NOT_FOUND');

    for (const body of [{ name: '', visibility: 'school' }, { name: 'x'.repeat(101), visibility: 'school' }, { name: '包', visibility: 'everyone' }, { name: '包', visibility: 'school', extra: 1 }]) {
      expect(code(await post('teacher.dongcheng', COLLECTIONS, body).expect(400))).toBe('VALIDATION_FAILED');
    }
    expect(code(await post('county.jiange', `${COLLECTIONS}/${cityPack}/items`, { resourceId: res.city1, position: 0 }).expect(400))).toBe('VALIDATION_FAILED');
    expect(code(await get('teacher.dongcheng', COLLECTIONS).query({ cursor: 'nope' }).expect(400))).toBe('SEARCH_CURSOR_INVALID');
  });

  it('keeps school collections and drafts to those who may see them', async () => {
    const school = (await post('teacher.jianzhou', COLLECTIONS, { name: `剑州校本包 ${sfx}`, visibility: 'school' }).expect(201)).body.id;
    await post('teacher.jianzhou', `${COLLECTIONS}/${school}/items`, { resourceId: res.school }).expect(201);
    expect((await get('admin.jianzhou', `${COLLECTIONS}/${school}`).expect(200)).body.permissions.manage).toBe(true);
    expect(code(await get('teacher.dongcheng', `${COLLECTIONS}/${school}`).expect(404))).toBe('COLLECTION_NOT_FOUND');
    expect((await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx }).expect(200)).body.items.map((c: CollectionBody) => c.id)).not.toContain(school);

    const draft = (await post('county.jiange', COLLECTIONS, { name: `筹备中的包 ${sfx}`, visibility: 'city', status: 'draft' }).expect(201)).body.id;
    expect(code(await get('teacher.dongcheng', `${COLLECTIONS}/${draft}`).expect(404))).toBe('COLLECTION_NOT_FOUND');
    expect((await get('county.jiange', COLLECTIONS).query({ q: sfx, status: 'draft' }).expect(200)).body.items.map((c: CollectionBody) => c.id)).toEqual([draft]);
    expect((await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx, status: 'draft' }).expect(200)).body.items).toEqual([]);
    await patch('county.jiange', `${COLLECTIONS}/${draft}`, { status: 'published' }).expect(200);
    expect((await get('teacher.dongcheng', `${COLLECTIONS}/${draft}`).expect(200)).body.status).toBe('published');

    // list pages by cursor, newest first: the now published pack, dongcheng's own school pack, the city pack
    const first = await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx, limit: 2 }).expect(200);
    expect(first.body.items.map((c: CollectionBody) => c.id)).toEqual([draft, dongchengPack]);
    const second = await get('teacher.dongcheng', COLLECTIONS).query({ q: sfx, limit: 2, cursor: first.body.nextCursor }).expect(200);
    expect(second.body.items.map((c: CollectionBody) => c.id)).toEqual([cityPack]);
    expect(second.body.nextCursor).toBeNull();
    // a name containing LIKE wildcards is matched literally
    expect((await get('teacher.dongcheng', COLLECTIONS).query({ q: `%${sfx}` }).expect(200)).body.items).toEqual([]);
  });

  it('drops a deleted resource from its collections and deletes a collection without touching its resources', async () => {
    const gone = await publish(`将被删除的资源 ${sfx}`, 'school');
    const pack = (await post('teacher.jianzhou', COLLECTIONS, { name: `临时包 ${sfx}`, visibility: 'school' }).expect(201)).body.id;
    await post('teacher.jianzhou', `${COLLECTIONS}/${pack}/items`, { resourceId: gone }).expect(201);
    await post('teacher.jianzhou', `${COLLECTIONS}/${pack}/items`, { resourceId: res.city1 }).expect(201);
    await del('teacher.jianzhou', `${RESOURCES}/${gone}`).expect(204);
    expect(itemIds((await get('teacher.jianzhou', `${COLLECTIONS}/${pack}`).expect(200)).body)).toEqual([res.city1]);
    await del('teacher.jianzhou', `${COLLECTIONS}/${pack}`).expect(204);
    expect(code(await get('teacher.jianzhou', `${COLLECTIONS}/${pack}`).expect(404))).toBe('COLLECTION_NOT_FOUND');
    await get('teacher.jianzhou', `${RESOURCES}/${res.city1}`).expect(200);
  });

  it('keeps favourites per user: idempotent, visible resources only, shown in search, paged newest first', async () => {
    const first = await put('teacher.dongcheng', `${FAVOURITES}/${res.city1}`).expect(200);
    const again = await put('teacher.dongcheng', `${FAVOURITES}/${res.city1}`).expect(200);
    expect(again.body.favouritedAt).toBe(first.body.favouritedAt);
    await new Promise((r) => setTimeout(r, 5));
    await put('teacher.dongcheng', `${FAVOURITES}/${res.city2}`).expect(200);
    expect(code(await put('teacher.dongcheng', `${FAVOURITES}/${res.school}`).expect(404))).toBe('RESOURCE_NOT_FOUND');

    const page1 = await get('teacher.dongcheng', FAVOURITES).query({ limit: 1 }).expect(200);
    expect(page1.body.items.map((f: { resource: { id: string } }) => f.resource.id)).toEqual([res.city2]);
    const page2 = await get('teacher.dongcheng', FAVOURITES).query({ limit: 1, cursor: page1.body.nextCursor }).expect(200);
    expect(page2.body.items.map((f: { resource: { id: string } }) => f.resource.id)).toEqual([res.city1]);

    const hits = (await get('teacher.dongcheng', RESOURCES).query({ q: '导数压轴', limit: 50 }).expect(200)).body.items as { id: string; favourited: boolean }[];
    expect(hits.find((h) => h.id === res.city1)?.favourited).toBe(true);
    const jianzhouHits = (await get('teacher.jianzhou', RESOURCES).query({ q: '导数压轴', limit: 50 }).expect(200)).body.items as { id: string; favourited: boolean }[];
    expect(jianzhouHits.find((h) => h.id === res.city1)?.favourited).toBe(false);
    // The detail says the same, per caller (the console shows 收藏 / 取消收藏 from it).
    expect((await get('teacher.dongcheng', `${RESOURCES}/${res.city1}`).expect(200)).body.favourited).toBe(true);
    expect((await get('teacher.jianzhou', `${RESOURCES}/${res.city1}`).expect(200)).body.favourited).toBe(false);

    await del('teacher.dongcheng', `${FAVOURITES}/${res.city1}`).expect(204);
    await del('teacher.dongcheng', `${FAVOURITES}/${res.city1}`).expect(204);
    const after = await get('teacher.dongcheng', FAVOURITES).query({ limit: 50 }).expect(200);
    const ids = after.body.items.map((f: { resource: { id: string } }) => f.resource.id);
    expect(ids).toContain(res.city2);
    expect(ids).not.toContain(res.city1);
    expect((await get('teacher.dongcheng', `${RESOURCES}/${res.city1}`).expect(200)).body.favourited).toBe(false);
  });
});
