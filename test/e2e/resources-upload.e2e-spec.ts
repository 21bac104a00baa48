import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@app/storage';
import { StoredObject } from '@app/domain/resources/stored-object.entity';
import { ResourceVersion } from '@app/domain/resources/resource-version.entity';
import { UploadSession } from '@app/domain/resources/upload-session.entity';
import { ResourceMaintenanceService } from '@app/domain/resources/resource-maintenance.service';
import { blobKey } from '@app/domain/resources/resource-uploads.service';
import { createTestApp, TestApp } from '../utils/create-app';

jest.setTimeout(120_000);

/**
 * Getting files in and out of the resource library, on whichever drivers the environment selects (local folder
 * or S3; memory queue or bull): the 30 MB direct upload, the resumable multipart upload interrupted and resumed,
 * byte-exact downloads (302 to a presigned URL, and streamed with Range), the processing job's checks (an
 * executable named .pdf), dedupe by SHA-256, the upload limit and the abandoned-upload cleanup.
 * Records are this spec's own (unique titles and random content), so a shared database is fine.
 */
describe('resource uploads and downloads', () => {
  const PART = 5 * 1024 * 1024;
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const run = randomBytes(3).toString('hex');

  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  /** Random bytes behind a PDF signature: passes the content check as a .pdf and never collides with another run. */
  const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(size - 15)]);

  async function createResource(user: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/resources')
      .set(auth(user))
      .send({ title: `函数的概念 ${run} ${randomBytes(2).toString('hex')}`, type: 'courseware', subject: '数学', grade: '高一', visibility: 'school', tags: ['函数'], ...extra })
      .expect(201);
    expect(res.body.status).toBe('draft');
    return res.body.id;
  }

  async function waitSettled(user: string, id: string, timeoutMs = 60_000): Promise<Record<string, any>> {
    const start = Date.now();
    for (;;) {
      const res = await t.http().get(`/api/v1/resources/${id}`).set(auth(user)).expect(200);
      if (res.body.status !== 'processing') return res.body;
      if (Date.now() - start > timeoutMs) throw new Error(`resource ${id} still processing`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function uploadDirect(user: string, id: string, body: Buffer, filename: string, fields: Record<string, string> = {}) {
    const req = t.http().post(`/api/v1/resources/${id}/content`).set(auth(user));
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('file', body, { filename, contentType: 'application/pdf' });
  }

  /** GET .../download without following; in redirect mode the presigned URL is fetched (with `headers`). */
  async function download(user: string, id: string, headers: Record<string, string> = {}, query = ''): Promise<{ status: number; body: Buffer; headers: Record<string, string> }> {
    const res = await t
      .http()
      .get(`/api/v1/resources/${id}/download${query}`)
      .set({ ...auth(user), ...headers })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    if (res.status !== 302) return { status: res.status, body: res.body as Buffer, headers: res.headers as Record<string, string> };
    const followed = await fetch(res.headers.location, { headers });
    const h: Record<string, string> = {};
    followed.headers.forEach((v, k) => (h[k] = v));
    return { status: followed.status, body: Buffer.from(await followed.arrayBuffer()), headers: h };
  }

  async function objectExists(key: string): Promise<boolean> {
    return t.app.get(ObjectStorage).exists(key);
  }

  beforeAll(async () => {
    t = await createTestApp({ RESOURCE_PART_BYTES: String(PART), RESOURCE_UPLOAD_MAX_BYTES: String(40 * 1024 * 1024) });
    for (const u of ['teacher.jianzhou', 'teacher.dongcheng', 'admin.jianzhou', 'city.admin']) tokens[u] = await t.login(u);
  });
  afterAll(async () => {
    t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';
    await t?.close();
  });

  it('a 30 MB direct upload is verified and downloads back byte-identical, by redirect and streamed', async () => {
    const id = await createResource('teacher.jianzhou');
    const file = pdf(30 * 1024 * 1024);
    const up = await uploadDirect('teacher.jianzhou', id, file, `高一数学函数的概念-${run}.pdf`, { sha256: sha(file) }).expect(202);
    expect(up.body.status).toBe('processing');
    expect(up.body.pendingVersion).toMatchObject({ number: 1, size: file.length });

    const done = await waitSettled('teacher.jianzhou', id);
    // A school-only item publishes without review.
    expect(done).toMatchObject({ status: 'published', filename: `高一数学函数的概念-${run}.pdf`, size: file.length, sha256: sha(file), contentType: 'application/pdf' });

    t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';
    const redirected = await t.http().get(`/api/v1/resources/${id}/download`).set(auth('teacher.jianzhou')).expect(302);
    expect(redirected.headers.location).toMatch(/^https?:\/\//);
    const viaUrl = await download('teacher.jianzhou', id);
    expect(viaUrl.status).toBe(200);
    expect(sha(viaUrl.body)).toBe(sha(file));
    expect(viaUrl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`高一数学函数的概念-${run}.pdf`)}`);

    t.config.RESOURCE_DOWNLOAD_MODE = 'stream';
    const streamed = await download('teacher.jianzhou', id);
    expect(streamed.status).toBe(200);
    expect(streamed.body.length).toBe(file.length);
    expect(sha(streamed.body)).toBe(sha(file));
    expect(streamed.headers['content-type']).toBe('application/pdf');
    expect(streamed.headers['content-length']).toBe(String(file.length));
    expect(streamed.headers['content-disposition']).toBe(
      `attachment; filename="${"_".repeat(9)}-${run}.pdf"; filename*=UTF-8''${encodeURIComponent(`高一数学函数的概念-${run}.pdf`)}`,
    );

    // Range: exactly those bytes, streamed (206) and through the presigned URL.
    const ranged = await download('teacher.jianzhou', id, { Range: 'bytes=1000000-1999999' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 1000000-1999999/${file.length}`);
    expect(ranged.body.equals(file.subarray(1000000, 2000000))).toBe(true);
    const tail = await download('teacher.jianzhou', id, { Range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(file.subarray(file.length - 100))).toBe(true);
    const unsatisfiable = await t.http().get(`/api/v1/resources/${id}/download`).set({ ...auth('teacher.jianzhou'), Range: `bytes=${file.length}-` }).expect(416);
    expect(unsatisfiable.body.error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(unsatisfiable.headers['content-range']).toBe(`bytes */${file.length}`);

    t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';
    const rangedViaUrl = await download('teacher.jianzhou', id, { Range: 'bytes=1000000-1999999' });
    expect(rangedViaUrl.status).toBe(206);
    expect(rangedViaUrl.body.equals(file.subarray(1000000, 2000000))).toBe(true);

    // Downloads are counted per school: the two redirects and the full stream; Range requests past byte 0 continue
    // a download and the refused 416 is none.
    const counts = await t.http().get(`/api/v1/resources/${id}/download-counts`).set(auth('teacher.jianzhou')).expect(200);
    expect(counts.body.items).toEqual([expect.objectContaining({ organizationName: '剑州中学', count: 3 })]);
    const after = await t.http().get(`/api/v1/resources/${id}`).set(auth('teacher.jianzhou')).expect(200);
    expect(after.body.downloadCount).toBe(3);
  });

  it('a multipart upload interrupted after some parts resumes from the listed parts and downloads back identical', async () => {
    const id = await createResource('teacher.jianzhou', { type: 'micro_lecture' });
    const file = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1'), randomBytes(17 * 1024 * 1024 - 36)]);
    const filename = `函数的单调性微课-${run}.mp4`;
    const init = await t
      .http()
      .post(`/api/v1/resources/${id}/uploads`)
      .set(auth('teacher.jianzhou'))
      .send({ filename, size: file.length, sha256: sha(file), contentType: 'video/mp4' })
      .expect(201);
    const { uploadId, partSize, partCount } = init.body;
    expect(partSize).toBe(PART);
    expect(partCount).toBe(4);

    const putPart = async (n: number): Promise<string> => {
      const signed = await t.http().post(`/api/v1/uploads/${uploadId}/parts/${n}`).set(auth('teacher.jianzhou')).expect(200);
      const res = await fetch(signed.body.url, { method: 'PUT', body: file.subarray((n - 1) * partSize, Math.min(n * partSize, file.length)) });
      expect(res.status).toBe(200);
      return res.headers.get('etag')!;
    };
    // The connection drops after two parts; the client keeps nothing.
    await putPart(1);
    await putPart(2);

    // Resuming (any api instance: the session is in the database): ask what is stored, send only the rest.
    const listed = await t.http().get(`/api/v1/uploads/${uploadId}`).set(auth('teacher.jianzhou')).expect(200);
    expect(listed.body.status).toBe('active');
    expect(listed.body.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2]);
    expect(listed.body.parts.every((p: { size: number }) => p.size === PART)).toBe(true);
    const stored = new Set(listed.body.parts.map((p: { partNumber: number }) => p.partNumber));
    const etags: Record<number, string> = Object.fromEntries(listed.body.parts.map((p: { partNumber: number; etag: string }) => [p.partNumber, p.etag]));
    for (let n = 1; n <= partCount; n++) if (!stored.has(n)) etags[n] = await putPart(n);

    // Someone else cannot see or finish the upload; a list missing a part is refused and the upload stays open.
    await t.http().get(`/api/v1/uploads/${uploadId}`).set(auth('teacher.dongcheng')).expect(404);
    const partial = await t
      .http()
      .post(`/api/v1/uploads/${uploadId}/complete`)
      .set(auth('teacher.jianzhou'))
      .send({ parts: [1, 2, 3].map((n) => ({ partNumber: n, etag: etags[n] })) })
      .expect(422);
    expect(partial.body.error.code).toBe('RESOURCE_UPLOAD_PARTS_INVALID');
    expect(partial.body.error.details.partsNotListed).toEqual([4]);

    const complete = await t
      .http()
      .post(`/api/v1/uploads/${uploadId}/complete`)
      .set(auth('teacher.jianzhou'))
      .send({ parts: Array.from({ length: partCount }, (_, i) => ({ partNumber: i + 1, etag: etags[i + 1] })) })
      .expect(202);
    expect(complete.body.status).toBe('processing');
    const again = await t.http().post(`/api/v1/uploads/${uploadId}/complete`).set(auth('teacher.jianzhou')).send({ parts: [{ partNumber: 1, etag: etags[1] }] }).expect(409);
    expect(again.body.error.code).toBe('RESOURCE_UPLOAD_NOT_ACTIVE');

    const done = await waitSettled('teacher.jianzhou', id);
    expect(done).toMatchObject({ status: 'published', filename, size: file.length, sha256: sha(file), contentType: 'video/mp4' });
    t.config.RESOURCE_DOWNLOAD_MODE = 'stream';
    const streamed = await download('teacher.jianzhou', id);
    expect(sha(streamed.body)).toBe(sha(file));
    t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';
    const viaUrl = await download('teacher.jianzhou', id);
    expect(viaUrl.status).toBe(200);
    expect(sha(viaUrl.body)).toBe(sha(file));
  });

  it('a multipart upload whose bytes do not match the declared SHA-256 is refused by processing and nothing is kept', async () => {
    const id = await createResource('teacher.jianzhou');
    const file = pdf(6 * 1024 * 1024);
    const init = await t
      .http()
      .post(`/api/v1/resources/${id}/uploads`)
      .set(auth('teacher.jianzhou'))
      .send({ filename: `试卷-${run}.pdf`, size: file.length, sha256: sha(Buffer.from('something else')), contentType: 'application/pdf' })
      .expect(201);
    const { uploadId, partCount, partSize, versionId } = init.body;
    const parts = [];
    for (let n = 1; n <= partCount; n++) {
      const signed = await t.http().post(`/api/v1/uploads/${uploadId}/parts/${n}`).set(auth('teacher.jianzhou')).expect(200);
      const res = await fetch(signed.body.url, { method: 'PUT', body: file.subarray((n - 1) * partSize, n * partSize) });
      parts.push({ partNumber: n, etag: res.headers.get('etag')! });
    }
    await t.http().post(`/api/v1/uploads/${uploadId}/complete`).set(auth('teacher.jianzhou')).send({ parts }).expect(202);
    const done = await waitSettled('teacher.jianzhou', id);
    expect(done).toMatchObject({ status: 'rejected', rejectCode: 'RESOURCE_SHA256_MISMATCH', currentVersion: null });
    expect(await objectExists(blobKey(versionId))).toBe(false);
    expect(await t.app.get(DataSource).getRepository(StoredObject).countBy({ sha256: sha(file) })).toBe(0);
  });

  it('an executable renamed .pdf is rejected by processing, with the reason, and its bytes are deleted', async () => {
    const id = await createResource('teacher.jianzhou');
    // A Windows program: "MZ" header, PE signature further in.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), randomBytes(64 * 1024)]);
    await uploadDirect('teacher.jianzhou', id, exe, `期末复习资料-${run}.pdf`).expect(202);
    const done = await waitSettled('teacher.jianzhou', id);
    expect(done).toMatchObject({ status: 'rejected', rejectCode: 'RESOURCE_TYPE_MISMATCH', currentVersion: null, filename: null });
    expect(done.rejectReason).toContain('可执行程序');
    const versions = await t.http().get(`/api/v1/resources/${id}/versions`).set(auth('teacher.jianzhou')).expect(200);
    expect(versions.body.items).toEqual([expect.objectContaining({ number: 1, status: 'failed', failureCode: 'RESOURCE_TYPE_MISMATCH' })]);
    expect(await objectExists(blobKey(versions.body.items[0].id))).toBe(false);
    expect(await t.app.get(DataSource).getRepository(StoredObject).countBy({ sha256: sha(exe) })).toBe(0);
    // Nothing to download; the uploader was told why.
    const dl = await t.http().get(`/api/v1/resources/${id}/download`).set(auth('teacher.jianzhou')).expect(409);
    expect(dl.body.error.code).toBe('RESOURCE_NO_CONTENT');
    const inbox = await t.http().get('/api/v1/notifications').set(auth('teacher.jianzhou')).expect(200);
    expect(inbox.body.items.some((n: { type: string; body: string }) => n.type === 'resource.failed' && n.body.includes(`期末复习资料-${run}.pdf`))).toBe(true);
    // A program under its own name is refused before a byte is stored.
    const blocked = await uploadDirect('teacher.jianzhou', id, exe, 'setup.exe').expect(422);
    expect(blocked.body.error.code).toBe('RESOURCE_TYPE_NOT_ALLOWED');
  });

  it('the same content uploaded twice is stored once (reference-counted), and freed when the last reference goes', async () => {
    const file = pdf(256 * 1024);
    const a = await createResource('teacher.jianzhou');
    const b = await createResource('admin.jianzhou');
    await uploadDirect('teacher.jianzhou', a, file, `导数课件-${run}.pdf`).expect(202);
    const first = await waitSettled('teacher.jianzhou', a);
    await uploadDirect('admin.jianzhou', b, file, `导数课件（副本）-${run}.pdf`).expect(202);
    const second = await waitSettled('admin.jianzhou', b);
    expect(first.sha256).toBe(sha(file));
    expect(second.sha256).toBe(sha(file));

    const objects = t.app.get(DataSource).getRepository(StoredObject);
    const versions = t.app.get(DataSource).getRepository(ResourceVersion);
    const rows = await objects.findBy({ sha256: sha(file) });
    expect(rows).toHaveLength(1);
    expect(rows[0].refCount).toBe(2);
    const [va, vb] = await Promise.all([versions.findOneByOrFail({ id: first.currentVersion.id }), versions.findOneByOrFail({ id: second.currentVersion.id })]);
    expect(va.storedObjectId).toBe(rows[0].id);
    expect(vb.storedObjectId).toBe(rows[0].id);
    // The second copy's bytes were deleted; the one object remains.
    expect(await objectExists(blobKey(vb.id))).toBe(false);
    expect(await objectExists(rows[0].storageKey)).toBe(true);
    // Each downloads the shared bytes under its own name.
    t.config.RESOURCE_DOWNLOAD_MODE = 'stream';
    const dl = await download('admin.jianzhou', b);
    expect(sha(dl.body)).toBe(sha(file));
    expect(dl.headers['content-disposition']).toContain(encodeURIComponent(`导数课件（副本）-${run}.pdf`));
    t.config.RESOURCE_DOWNLOAD_MODE = 'redirect';

    // Deleting one keeps the object; deleting the other frees it (the free job).
    await t.http().delete(`/api/v1/resources/${a}`).set(auth('teacher.jianzhou')).expect(204);
    expect((await objects.findOneByOrFail({ id: rows[0].id })).refCount).toBe(1);
    expect(sha((await download('admin.jianzhou', b)).body)).toBe(sha(file));
    await t.http().delete(`/api/v1/resources/${b}`).set(auth('admin.jianzhou')).expect(204);
    const maintenance = t.app.get(ResourceMaintenanceService);
    const deadline = Date.now() + 30_000;
    // The free job queued by the delete runs on its own; running it here too is harmless (each row is freed once).
    while (((await objects.countBy({ id: rows[0].id })) > 0 || (await objectExists(rows[0].storageKey))) && Date.now() < deadline) {
      await maintenance.freeObjects();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await objects.countBy({ id: rows[0].id })).toBe(0);
    expect(await objectExists(rows[0].storageKey)).toBe(false);
    await t.http().get(`/api/v1/resources/${b}`).set(auth('admin.jianzhou')).expect(404);
  });

  it('over the direct-upload limit answers 413 with a code, and nothing is stored (with or without Content-Length)', async () => {
    const id = await createResource('teacher.jianzhou');
    const before = await blobCount();
    const limit = t.config.RESOURCE_UPLOAD_MAX_BYTES;
    t.config.RESOURCE_UPLOAD_MAX_BYTES = 1024 * 1024;
    try {
      const res = await uploadDirect('teacher.jianzhou', id, pdf(2 * 1024 * 1024), '太大的课件.pdf');
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('RESOURCE_FILE_TOO_LARGE');

      // Chunked, no Content-Length: the stream is cut at the limit and the partial object deleted.
      const chunked = await postChunked(`/api/v1/resources/${id}/content`, tokens['teacher.jianzhou'], '太大的课件.pdf', pdf(3 * 1024 * 1024));
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body).error.code).toBe('RESOURCE_FILE_TOO_LARGE');
    } finally {
      t.config.RESOURCE_UPLOAD_MAX_BYTES = limit;
    }
    const after = await t.http().get(`/api/v1/resources/${id}`).set(auth('teacher.jianzhou')).expect(200);
    expect(after.body).toMatchObject({ status: 'draft', pendingVersion: null, currentVersion: null });
    const versions = await t.http().get(`/api/v1/resources/${id}/versions`).set(auth('teacher.jianzhou')).expect(200);
    expect(versions.body.items).toEqual([]);
    expect(await blobCount()).toBe(before);

    // The slot was released: a file within the limit goes through.
    await uploadDirect('teacher.jianzhou', id, pdf(1024), `小文件-${run}.pdf`).expect(202);
    expect((await waitSettled('teacher.jianzhou', id)).status).toBe('published');
  });

  it('refuses a second upload while one is in flight, and the cleanup job aborts an abandoned one', async () => {
    const id = await createResource('teacher.jianzhou');
    const file = pdf(11 * 1024 * 1024);
    const init = await t
      .http()
      .post(`/api/v1/resources/${id}/uploads`)
      .set(auth('teacher.jianzhou'))
      .send({ filename: `课堂实录-${run}.pdf`, size: file.length, sha256: sha(file) })
      .expect(201);
    const signed = await t.http().post(`/api/v1/uploads/${init.body.uploadId}/parts/1`).set(auth('teacher.jianzhou')).expect(200);
    expect((await fetch(signed.body.url, { method: 'PUT', body: file.subarray(0, PART) })).status).toBe(200);
    const busy = await uploadDirect('teacher.jianzhou', id, pdf(1024), 'x.pdf').expect(409);
    expect(busy.body.error.code).toBe('RESOURCE_BUSY');
    const outOfRange = await t.http().post(`/api/v1/uploads/${init.body.uploadId}/parts/4`).set(auth('teacher.jianzhou')).expect(422);
    expect(outOfRange.body.error.code).toBe('RESOURCE_UPLOAD_PARTS_INVALID');

    // Nothing happens before UPLOAD_ABANDON_HOURS of idleness; after it the upload is aborted and forgotten.
    const maintenance = t.app.get(ResourceMaintenanceService);
    await maintenance.cleanAbandoned(new Date());
    expect((await t.app.get(DataSource).getRepository(UploadSession).findOneByOrFail({ id: init.body.uploadId })).status).toBe('active');
    const later = new Date(Date.now() + (t.config.UPLOAD_ABANDON_HOURS + 1) * 3600 * 1000);
    const cleaned = await maintenance.cleanAbandoned(later);
    expect(cleaned.aborted).toBeGreaterThanOrEqual(1);
    expect((await t.app.get(DataSource).getRepository(UploadSession).findOneByOrFail({ id: init.body.uploadId })).status).toBe('aborted');
    const status = await t.http().get(`/api/v1/uploads/${init.body.uploadId}`).set(auth('teacher.jianzhou')).expect(200);
    expect(status.body.status).toBe('aborted');
    const gone = await t.http().post(`/api/v1/uploads/${init.body.uploadId}/parts/2`).set(auth('teacher.jianzhou')).expect(409);
    expect(gone.body.error.code).toBe('RESOURCE_UPLOAD_NOT_ACTIVE');
    const after = await t.http().get(`/api/v1/resources/${id}`).set(auth('teacher.jianzhou')).expect(200);
    expect(after.body).toMatchObject({ status: 'draft', pendingVersion: null });
    expect(await objectExists(blobKey(init.body.versionId))).toBe(false);

    // A client can also abort its own upload.
    const second = await t.http().post(`/api/v1/resources/${id}/uploads`).set(auth('teacher.jianzhou')).send({ filename: 'b.pdf', size: 100, sha256: sha(Buffer.from('b')) }).expect(201);
    await t.http().delete(`/api/v1/uploads/${second.body.uploadId}`).set(auth('teacher.jianzhou')).expect(204);
    expect((await t.http().get(`/api/v1/resources/${id}`).set(auth('teacher.jianzhou')).expect(200)).body.pendingVersion).toBeNull();
  });

  async function blobCount(): Promise<number> {
    let n = 0;
    for await (const o of t.app.get(ObjectStorage).list('resources/blobs/')) if (o.key) n++;
    return n;
  }

  /** A multipart/form-data POST sent with Transfer-Encoding: chunked (no Content-Length). */
  function postChunked(path: string, token: string, filename: string, body: Buffer): Promise<{ status: number; body: string }> {
    const boundary = `----xz${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`, 'utf8');
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const url = new URL(path, t.url);
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(head);
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end(tail);
    });
  }
});
