import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { StoredObject } from '@app/domain/resources/stored-object.entity';
import { createTestApp, TestApp } from '../utils/create-app';

jest.setTimeout(120_000);

/**
 * The resource library's rules through the HTTP api as the demo users: metadata validation, the lifecycle
 * (processing -> review -> published | rejected, re-review after an edit), visibility on get and download
 * (city / partnership / school), versions with history, quotas with usage, and the storage reconciliation.
 * Records are this spec's own (unique titles, random content), so a shared database is fine.
 */
describe('resource library core', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const run = randomBytes(3).toString('hex');

  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const get = (user: string, path: string) => t.http().get(path).set(auth(user));
  const post = (user: string, path: string, body?: object) => t.http().post(path).set(auth(user)).send(body);
  const patch = (user: string, path: string, body: object) => t.http().patch(path).set(auth(user)).send(body);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(size - 15)]);

  async function create(user: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await post(user, '/api/v1/resources', {
      title: `高一数学函数的概念 ${run} ${randomBytes(2).toString('hex')}`,
      description: '函数的概念与表示',
      type: 'lesson_plan',
      subject: '数学',
      grade: '高一',
      edition: '人教A版',
      chapter: '第三章 函数的概念与性质',
      tags: ['函数', '必修一'],
      visibility: 'school',
      licence: 'CC BY-NC 4.0',
      ...extra,
    }).expect(201);
    return res.body.id;
  }

  async function upload(user: string, id: string, body: Buffer, filename: string): Promise<Record<string, any>> {
    await t.http().post(`/api/v1/resources/${id}/content`).set(auth(user)).attach('file', body, { filename }).expect(202);
    const start = Date.now();
    for (;;) {
      const res = await get(user, `/api/v1/resources/${id}`).expect(200);
      if (res.body.status !== 'processing') return res.body;
      if (Date.now() - start > 30_000) throw new Error('still processing');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function fetchDownload(user: string, id: string, query = ''): Promise<Buffer> {
    const res = await get(user, `/api/v1/resources/${id}/download${query}`).expect(302);
    const file = await fetch(res.headers.location);
    expect(file.status).toBe(200);
    return Buffer.from(await file.arrayBuffer());
  }

  async function orgId(name: string): Promise<string> {
    const res = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 50 }).expect(200);
    const found = res.body.items.find((o: { name: string }) => o.name === name);
    if (!found) throw new Error(`organization ${name} not seeded`);
    return found.id;
  }

  beforeAll(async () => {
    // The reconciliation below deletes orphan objects of the whole bucket: on S3 this spec keeps its own bucket so
    // engineers running other specs against the same radosgw (with other databases) keep their objects.
    t = await createTestApp({ S3_BUCKET: 'xz-resources-core-e2e' });
    for (const u of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[u] = await t.login(u);
    }
    for (const name of ['剑州中学', '旺苍东城中学']) org[name] = await orgId(name);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('validates metadata and creates items for the uploader\'s own school only', async () => {
    const base = { title: `资源 ${run}`, type: 'courseware', subject: '数学', grade: '高一', visibility: 'city' };
    const created = await post('teacher.jianzhou', '/api/v1/resources', base).expect(201);
    expect(created.body).toMatchObject({ status: 'draft', organizationId: org['剑州中学'], organizationName: '剑州中学', uploaderName: expect.any(String), currentVersion: null, filename: null });
    for (const bad of [{ type: 'video' }, { subject: 'Mathematics' }, { grade: '初一' }, { visibility: 'public' }, { title: '' }, { tags: Array.from({ length: 21 }, (_, i) => `标签${i}`) }, { tags: ['x'.repeat(31)] }, { extra: 1 }]) {
      const res = await post('teacher.jianzhou', '/api/v1/resources', { ...base, ...bad }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const foreign = await post('teacher.jianzhou', '/api/v1/resources', { ...base, organizationId: org['旺苍东城中学'] }).expect(403);
    expect(foreign.body.error.code).toBe('OUT_OF_SCOPE');
    // Another school can neither change nor fill it.
    await patch('teacher.dongcheng', `/api/v1/resources/${created.body.id}`, { title: 'x' }).expect(404);
    await t.http().post(`/api/v1/resources/${created.body.id}/content`).set(auth('teacher.dongcheng')).attach('file', pdf(100), { filename: 'a.pdf' }).expect(404);
    await post('teacher.dongcheng', `/api/v1/resources/${created.body.id}/uploads`, { filename: 'a.pdf', size: 100, sha256: sha(Buffer.from('a')) }).expect(404);
    await t.http().delete(`/api/v1/resources/${created.body.id}`).set(auth('teacher.dongcheng')).expect(404);
    await t.http().delete(`/api/v1/resources/${created.body.id}`).set(auth('teacher.jianzhou')).expect(204);
  });

  it('city items go through review; rejection needs a reason; an edit sends the item back; the uploader is notified', async () => {
    const id = await create('teacher.jianzhou', { visibility: 'city', title: `高一数学函数的概念（全市共享）${run}` });
    const file = pdf(40 * 1024);
    const processed = await upload('teacher.jianzhou', id, file, `函数的概念-${run}.pdf`);
    expect(processed).toMatchObject({ status: 'pending_review', sha256: sha(file), size: file.length });
    // Not visible beyond the school (and its reviewers) before approval.
    await get('teacher.dongcheng', `/api/v1/resources/${id}`).expect(404);
    await get('teacher.dongcheng', `/api/v1/resources/${id}/download`).expect(404);
    expect((await get('county.jiange', `/api/v1/resources/${id}`).expect(200)).body.permissions).toEqual({ manage: true, review: true });

    const notReviewer = await post('admin.dongcheng', `/api/v1/resources/${id}/review`, { decision: 'approve' }).expect(403);
    expect(notReviewer.body.error.code).toBe('ACCESS_DENIED');
    const noReason = await post('county.jiange', `/api/v1/resources/${id}/review`, { decision: 'reject' }).expect(422);
    expect(noReason.body.error.code).toBe('RESOURCE_REJECT_REASON_REQUIRED');
    const rejected = await post('county.jiange', `/api/v1/resources/${id}/review`, { decision: 'reject', reason: '请补充课时安排' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '请补充课时安排', rejectCode: null });
    const twice = await post('county.jiange', `/api/v1/resources/${id}/review`, { decision: 'approve' }).expect(409);
    expect(twice.body.error.code).toBe('RESOURCE_TRANSITION_NOT_ALLOWED');

    const edited = await patch('teacher.jianzhou', `/api/v1/resources/${id}`, { description: '函数的概念与表示（含课时安排）' }).expect(200);
    expect(edited.body).toMatchObject({ status: 'pending_review', rejectReason: null });
    const approved = await post('city.admin', `/api/v1/resources/${id}/review`, { decision: 'approve' }).expect(200);
    expect(approved.body).toMatchObject({ status: 'published', publishedAt: expect.any(String) });

    // Published city-wide: another county's teacher sees and downloads it.
    const seen = await get('teacher.dongcheng', `/api/v1/resources/${id}`).expect(200);
    expect(seen.body).toMatchObject({ status: 'published', filename: `函数的概念-${run}.pdf`, permissions: { manage: false, review: false } });
    expect(sha(await fetchDownload('teacher.dongcheng', id))).toBe(sha(file));

    const inbox = await get('teacher.jianzhou', '/api/v1/notifications').query({ limit: 100 }).expect(200);
    const types = inbox.body.items.filter((n: { title: string }) => n.title.includes(run)).map((n: { type: string }) => n.type);
    expect(types).toEqual(expect.arrayContaining(['resource.pending_review', 'resource.rejected', 'resource.approved']));
    const reviewerInbox = await get('county.jiange', '/api/v1/notifications').query({ limit: 100 }).expect(200);
    expect(reviewerInbox.body.items.some((n: { type: string; title: string }) => n.type === 'resource.review_requested' && n.title.includes(run))).toBe(true);
  });

  it("teacher.dongcheng cannot see 剑州中学's school-only item, nor download it by id; the school and its supervisors can", async () => {
    const id = await create('teacher.jianzhou', { visibility: 'school', title: `剑州中学校内教案 ${run}` });
    const file = pdf(20 * 1024);
    expect((await upload('teacher.jianzhou', id, file, `校内教案-${run}.pdf`)).status).toBe('published');

    for (const outsider of ['teacher.dongcheng', 'admin.dongcheng', 'mentor.liemian']) {
      const res = await get(outsider, `/api/v1/resources/${id}`).expect(404);
      expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
      const dl = await get(outsider, `/api/v1/resources/${id}/download`).expect(404);
      expect(dl.body.error.code).toBe('RESOURCE_NOT_FOUND');
      expect(dl.headers.location).toBeUndefined();
      await get(outsider, `/api/v1/resources/${id}/download`).query({ version: '1' }).expect(404);
      await get(outsider, `/api/v1/resources/${id}/versions`).expect(404);
    }
    // Even in stream mode no byte leaves.
    t.config.RESOURCE_DOWNLOAD_MODE = 'stream';
    try {
      const streamed = await get('teacher.dongcheng', `/api/v1/resources/${id}/download`).expect(404);
      expect(streamed.body.error.code).toBe('RESOURCE_NOT_FOUND');
    } finally {
      t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';
    }
    for (const insider of ['admin.jianzhou', 'county.jiange', 'city.admin']) {
      await get(insider, `/api/v1/resources/${id}`).expect(200);
      expect(sha(await fetchDownload(insider, id))).toBe(sha(file));
    }
  });

  it('partnership items reach the partner school (剑州中学 <- 广安烈面中学) after review, and nobody else', async () => {
    const id = await create('teacher.jianzhou', { visibility: 'partnership', title: `帮扶共享课件 ${run}`, type: 'courseware' });
    expect((await upload('teacher.jianzhou', id, pdf(10 * 1024), `共享课件-${run}.pdf`)).status).toBe('pending_review');
    await get('mentor.liemian', `/api/v1/resources/${id}`).expect(404);
    await post('county.jiange', `/api/v1/resources/${id}/review`, { decision: 'approve' }).expect(200);
    await get('mentor.liemian', `/api/v1/resources/${id}`).expect(200);
    await get('mentor.liemian', `/api/v1/resources/${id}/download`).expect(302);
    await get('teacher.dongcheng', `/api/v1/resources/${id}`).expect(404);
    await get('teacher.dongcheng', `/api/v1/resources/${id}/download`).expect(404);
  });

  it('drafts are visible to their uploader, the school admin and reviewers only', async () => {
    const id = await create('teacher.jianzhou', { visibility: 'city', title: `草稿 ${run}` });
    await get('teacher.jianzhou', `/api/v1/resources/${id}`).expect(200);
    await get('admin.jianzhou', `/api/v1/resources/${id}`).expect(200);
    await get('county.jiange', `/api/v1/resources/${id}`).expect(200);
    await get('teacher.dongcheng', `/api/v1/resources/${id}`).expect(404);
    await get('mentor.liemian', `/api/v1/resources/${id}`).expect(404);
    const none = await get('teacher.jianzhou', `/api/v1/resources/${id}/download`).expect(409);
    expect(none.body.error.code).toBe('RESOURCE_NO_CONTENT');
  });

  it('new versions keep history; download gives the latest unless a version is named; a refused version keeps the good one', async () => {
    const id = await create('teacher.jianzhou', { visibility: 'school', title: `多版本教案 ${run}` });
    const v1 = pdf(12 * 1024);
    const v2 = pdf(13 * 1024);
    await upload('teacher.jianzhou', id, v1, `教案-第一版-${run}.pdf`);
    const second = await upload('teacher.jianzhou', id, v2, `教案-第二版-${run}.pdf`);
    expect(second).toMatchObject({ status: 'published', filename: `教案-第二版-${run}.pdf`, sha256: sha(v2), currentVersion: { number: 2 } });
    expect(sha(await fetchDownload('teacher.jianzhou', id))).toBe(sha(v2));
    expect(sha(await fetchDownload('teacher.jianzhou', id, '?version=1'))).toBe(sha(v1));
    const versions = await get('admin.jianzhou', `/api/v1/resources/${id}/versions`).expect(200);
    expect(versions.body.items.map((v: { number: number; status: string }) => [v.number, v.status])).toEqual([
      [2, 'ready'],
      [1, 'ready'],
    ]);
    expect(sha(await fetchDownload('teacher.jianzhou', id, `?version=${versions.body.items[1].id}`))).toBe(sha(v1));
    const missing = await get('teacher.jianzhou', `/api/v1/resources/${id}/download`).query({ version: '9' }).expect(404);
    expect(missing.body.error.code).toBe('RESOURCE_VERSION_NOT_FOUND');

    // A third upload that is really a program: refused, and the item stays published with version 2.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(4096)]);
    const third = await upload('teacher.jianzhou', id, exe, `教案-第三版-${run}.docx`);
    expect(third).toMatchObject({ status: 'published', currentVersion: { number: 2 }, pendingVersion: null });
    const after = await get('teacher.jianzhou', `/api/v1/resources/${id}/versions`).expect(200);
    expect(after.body.items[0]).toMatchObject({ number: 3, status: 'failed', failureCode: 'RESOURCE_TYPE_MISMATCH' });
    // Others only see verified versions.
    const byAdmin = await get('county.jiange', `/api/v1/resources/${id}/versions`).expect(200);
    expect(byAdmin.body.items).toHaveLength(3);
  });

  it('quotas per organization: usage is shown, the city sets the quota, an upload that does not fit is refused with 413', async () => {
    const school = org['旺苍东城中学'];
    const mine = await get('teacher.dongcheng', `/api/v1/resource-quotas/${school}`).expect(200);
    expect(mine.body).toMatchObject({ organizationId: school, quotaBytes: expect.any(Number), usedBytes: expect.any(Number) });
    await get('teacher.jianzhou', `/api/v1/resource-quotas/${school}`).expect(403);
    await t.http().put(`/api/v1/resource-quotas/${school}`).set(auth('admin.dongcheng')).send({ quotaBytes: 1 }).expect(403);

    const id = await create('teacher.dongcheng');
    const file = pdf(30 * 1024);
    const before = (await get('teacher.dongcheng', `/api/v1/resource-quotas/${school}`).expect(200)).body.usedBytes;
    try {
      await t.http().put(`/api/v1/resource-quotas/${school}`).set(auth('city.admin')).send({ quotaBytes: before + 1000 }).expect(200);
      const direct = await t.http().post(`/api/v1/resources/${id}/content`).set(auth('teacher.dongcheng')).attach('file', file, { filename: '大课件.pdf' }).expect(413);
      expect(direct.body.error.code).toBe('RESOURCE_QUOTA_EXCEEDED');
      const multipart = await post('teacher.dongcheng', `/api/v1/resources/${id}/uploads`, { filename: '微课.mp4', size: 10 * 1024 * 1024, sha256: sha(file) }).expect(413);
      expect(multipart.body.error.code).toBe('RESOURCE_QUOTA_EXCEEDED');
      expect((await get('teacher.dongcheng', `/api/v1/resources/${id}`).expect(200)).body).toMatchObject({ status: 'draft', pendingVersion: null });

      await t.http().put(`/api/v1/resource-quotas/${school}`).set(auth('city.admin')).send({ quotaBytes: before + 1024 * 1024 }).expect(200);
      await upload('teacher.dongcheng', id, file, `课件-${run}.pdf`);
      const used = await get('teacher.dongcheng', `/api/v1/resource-quotas/${school}`).expect(200);
      expect(used.body.usedBytes).toBe(before + file.length);
      expect(used.body.availableBytes).toBe(1024 * 1024 - file.length);
    } finally {
      await t.http().put(`/api/v1/resource-quotas/${school}`).set(auth('city.admin')).send({ quotaBytes: t.config.RESOURCE_QUOTA_BYTES }).expect(200);
    }
  });

  it('the reconciliation reports objects without rows and rows without objects, and repairs the safe cases', async () => {
    const storage = t.app.get(ObjectStorage);
    const objects = t.app.get(DataSource).getRepository(StoredObject);
    // An object no row knows (e.g. a crash between upload and processing).
    const orphanKey = `resources/blobs/${newId()}`;
    await storage.put(orphanKey, Buffer.from('orphan'), { contentType: 'application/octet-stream' });
    // A row whose object is gone and that nothing references: safe to delete.
    const ghost = await objects.save(objects.create({ sha256: sha(randomBytes(16)), size: 5, storageKey: `resources/blobs/${newId()}`, contentType: 'application/pdf', refCount: 0, unreferencedAt: new Date() }));
    // A referenced object whose bytes vanished: data loss, only reported.
    const id = await create('teacher.jianzhou', { title: `丢失文件 ${run}` });
    const lost = await upload('teacher.jianzhou', id, pdf(2048), `丢失-${run}.pdf`);
    const lostRow = await objects.findOneByOrFail({ sha256: lost.sha256 });
    await storage.delete(lostRow.storageKey);

    const denied = await post('admin.jianzhou', '/api/v1/resource-maintenance/reconcile', { repair: true }).expect(403);
    expect(denied.body.error.code).toBe('ACCESS_DENIED');
    const dry = await post('city.admin', '/api/v1/resource-maintenance/reconcile', { repair: false, minAgeMinutes: 0 }).expect(200);
    expect(dry.body.orphanObjects.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: orphanKey, deleted: false })]));
    expect(await storage.exists(orphanKey)).toBe(true);

    const report = await post('city.admin', '/api/v1/resource-maintenance/reconcile', { repair: true, minAgeMinutes: 0 }).expect(200);
    expect(report.body.orphanObjects.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: orphanKey, deleted: true })]));
    expect(report.body.missingObjects.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: ghost.id, rowDeleted: true }),
        expect.objectContaining({ id: lostRow.id, rowDeleted: false, refCount: 1, versionIds: [lost.currentVersion.id] }),
      ]),
    );
    expect(await storage.exists(orphanKey)).toBe(false);
    expect(await objects.countBy({ id: ghost.id })).toBe(0);
    expect(await objects.countBy({ id: lostRow.id })).toBe(1);
    // A young orphan is left alone (an upload may be writing it).
    const young = `resources/blobs/${newId()}`;
    await storage.put(young, Buffer.from('young'));
    const graced = await post('city.admin', '/api/v1/resource-maintenance/reconcile', { repair: true, minAgeMinutes: 60 }).expect(200);
    expect(graced.body.orphanObjects.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: young, deleted: false })]));
    expect(await storage.exists(young)).toBe(true);
    await storage.delete(young);
    // Clean up the damaged record so later runs on a shared database are not reported again.
    await t.http().delete(`/api/v1/resources/${id}`).set(auth('teacher.jianzhou')).expect(204);
    await post('city.admin', '/api/v1/resource-maintenance/free-objects').expect(200);
    expect(await objects.countBy({ id: lostRow.id })).toBe(0);
  });
});
