import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AllExceptionsFilter, AppConfig, DomainException, PlatformModule } from '@app/platform';
import { MIN_PART_BYTES, ObjectStorage, StorageModule } from '@app/storage';
import { testConfig } from '../utils/test-config';

/**
 * The ObjectStorage contract, run against whichever driver the environment selects (local folder by
 * default; STORAGE_DRIVER=minio S3_ENDPOINT=... for a real S3 such as .ci/start-s3.sh's radosgw).
 * Presigned URLs are exercised with Node's fetch, as a browser or Uppy would use them.
 */
describe(`ObjectStorage contract (${process.env.STORAGE_DRIVER ?? 'local'})`, () => {
  let app: INestApplication;
  let config: AppConfig;
  let storage: ObjectStorage;
  // Every key of this run lives under one prefix, so runs sharing a bucket do not see each other.
  const prefix = `contract-${randomUUID()}/`;

  const md5 = (buf: Buffer) => createHash('md5').update(buf).digest('hex');
  const readAll = async (stream: Readable): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  };
  // Not toEqual: jest compares a Buffer element by element, which takes seconds for a few hundred KiB.
  const expectBytes = (actual: Buffer, expected: Buffer) => {
    expect(actual.length).toBe(expected.length);
    expect(md5(actual)).toBe(md5(expected));
  };
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof DomainException) return err.code;
      throw err;
    }
    throw new Error('expected a DomainException, got success');
  };
  const putPart = async (url: string, body: Buffer) => {
    const res = await fetch(url, { method: 'PUT', body });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(etag).toBe(`"${md5(body)}"`);
    return etag as string;
  };

  beforeAll(async () => {
    config = testConfig();
    const moduleRef = await Test.createTestingModule({ imports: [PlatformModule, StorageModule.forRootAsync()] })
      .overrideProvider(AppConfig)
      .useValue(config)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.listen(0, '127.0.0.1');
    // Presigned local URLs must point at this instance; set before anything is presigned.
    config.PUBLIC_URL = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    storage = app.get(ObjectStorage);
  });

  afterAll(async () => {
    if (storage) {
      for await (const obj of storage.list(prefix)) await storage.delete(obj.key);
    }
    await app?.close();
  });

  it('uses the driver the environment selects', () => {
    expect(storage.driver).toBe(config.STORAGE_DRIVER);
  });

  it('ping succeeds', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('puts a Buffer, then stat and get return it', async () => {
    const key = `${prefix}buffer.txt`;
    const body = Buffer.from('县中协作平台 hello storage\n');
    const put = await storage.put(key, body, { contentType: 'text/plain; charset=utf-8', metadata: { owner: 'u-42' } });
    expect(put).toEqual({ key, size: body.length, etag: md5(body) });

    const st = await storage.stat(key);
    expect(st).toMatchObject({ key, size: body.length, etag: md5(body), contentType: 'text/plain; charset=utf-8' });
    expect(st.metadata).toEqual({ owner: 'u-42' });
    expect(st.lastModified).toBeInstanceOf(Date);
    expect(Math.abs(st.lastModified.getTime() - Date.now())).toBeLessThan(5 * 60 * 1000);
    expect(await storage.exists(key)).toBe(true);
    expectBytes(await readAll(await storage.getStream(key)), body);
  });

  it('puts streams of known and of unknown length', async () => {
    const body = randomBytes(300 * 1024);
    const chunks = () => Readable.from([body.subarray(0, 1000), body.subarray(1000, 200_000), body.subarray(200_000)]);

    const known = await storage.put(`${prefix}stream-known.bin`, chunks(), { size: body.length, metadata: { 'resource-id': 'r-1' } });
    expect(known).toEqual({ key: `${prefix}stream-known.bin`, size: body.length, etag: md5(body) });
    expect((await storage.stat(`${prefix}stream-known.bin`)).metadata).toEqual({ 'resource-id': 'r-1' });
    const unknown = await storage.put(`${prefix}stream-unknown.bin`, chunks());
    expect(unknown).toEqual({ key: `${prefix}stream-unknown.bin`, size: body.length, etag: md5(body) });

    for (const key of [`${prefix}stream-known.bin`, `${prefix}stream-unknown.bin`]) {
      expectBytes(await readAll(await storage.getStream(key)), body);
      expect((await storage.stat(key)).contentType).toBe('application/octet-stream');
    }
  });

  it('puts a large stream of unknown length (multipart on S3) without losing type or metadata', async () => {
    const key = `${prefix}large-unknown.bin`;
    const body = randomBytes(16 * 1024 * 1024 + 4321);
    async function* slices() {
      for (let at = 0; at < body.length; at += 1024 * 1024) yield body.subarray(at, at + 1024 * 1024);
    }
    const put = await storage.put(key, Readable.from(slices()), { contentType: 'application/zip', metadata: { sha256: 'abc123' } });
    expect(put.size).toBe(body.length);
    // A plain md5 when stored in one go; S3's "md5-of-md5s-N" when it went up in parts.
    expect(put.etag).toMatch(/^[0-9a-f]{32}(-\d+)?$/);
    const st = await storage.stat(key);
    expect(st).toMatchObject({ size: body.length, contentType: 'application/zip', etag: put.etag, metadata: { sha256: 'abc123' } });
    expectBytes(await readAll(await storage.getStream(key)), body);
  });

  it('puts a stream of unknown length ending exactly on a part boundary, from chunks that straddle the boundaries', async () => {
    const key = `${prefix}boundary-unknown.bin`;
    // 16 MiB: a whole number of parts for any part size up to 16 MiB; 999,983-byte chunks never line up with one.
    const body = randomBytes(16 * 1024 * 1024);
    async function* slices() {
      for (let at = 0; at < body.length; at += 999_983) yield body.subarray(at, at + 999_983);
    }
    const put = await storage.put(key, Readable.from(slices()));
    expect(put.size).toBe(body.length);
    expectBytes(await readAll(await storage.getStream(key)), body);
  });

  it('stores nothing when a stream of unknown length fails after some parts', async () => {
    const key = `${prefix}failing-unknown.bin`;
    async function* failing() {
      for (let i = 0; i < 20; i++) yield randomBytes(1024 * 1024);
      throw new Error('client went away');
    }
    await expect(storage.put(key, Readable.from(failing()))).rejects.toThrow('client went away');
    expect(await storage.exists(key)).toBe(false);
  });

  it('refuses a stream shorter than its declared size', async () => {
    const key = `${prefix}short.bin`;
    expect(await codeOf(storage.put(key, Readable.from([Buffer.alloc(10)]), { size: 20 }))).toBe('BAD_REQUEST');
    expect(await storage.exists(key)).toBe(false);
  });

  it('gets exact byte ranges', async () => {
    const key = `${prefix}range.txt`;
    const body = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    await storage.put(key, body);
    expect((await readAll(await storage.getStream(key, { start: 5, end: 14 }))).toString()).toBe('56789abcde');
    expect((await readAll(await storage.getStream(key, { start: 30 }))).toString()).toBe('uvwxyz');
    expect((await readAll(await storage.getStream(key, { start: 0, end: 0 }))).toString()).toBe('0');
    // An end past the object is clamped, as HTTP ranges are.
    expect((await readAll(await storage.getStream(key, { start: 33, end: 1000 }))).toString()).toBe('xyz');
    expect(await codeOf(storage.getStream(key, { start: 36 }))).toBe('RANGE_NOT_SATISFIABLE');
    expect(await codeOf(storage.getStream(key, { start: 10, end: 5 }))).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('serves a presigned GET with a Chinese key and filename, and Range requests on it', async () => {
    const key = `${prefix}资料/剑州中学 教案 #1.txt`;
    const body = Buffer.from('第一课：函数与方程。'.repeat(10));
    await storage.put(key, body, { contentType: 'text/plain; charset=utf-8' });
    const filename = '剑州中学（2026）教案 "终稿".txt';
    const url = await storage.presignGet(key, { expiresInSeconds: 300, filename });

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expectBytes(Buffer.from(await res.arrayBuffer()), body);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(body.length));
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toContain("filename*=UTF-8''");
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(filename);

    const ranged = await fetch(url, { headers: { Range: 'bytes=5-14' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 5-14/${body.length}`);
    expectBytes(Buffer.from(await ranged.arrayBuffer()), body.subarray(5, 15));

    const beyond = await fetch(url, { headers: { Range: `bytes=${body.length}-` } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
  });

  it('presigned GET can override the content type', async () => {
    const key = `${prefix}override.bin`;
    await storage.put(key, Buffer.from('%PDF-1.4'));
    const res = await fetch(await storage.presignGet(key, { expiresInSeconds: 60, contentType: 'application/pdf' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(await res.text()).toBe('%PDF-1.4');
  });

  it('accepts a presigned PUT, after which the object can be read', async () => {
    const key = `${prefix}上传/presigned put.txt`;
    const body = Buffer.from('uploaded through a presigned URL 上传');
    const url = await storage.presignPut(key, { expiresInSeconds: 300, contentType: 'text/plain' });
    const res = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${md5(body)}"`);
    await res.arrayBuffer();

    expectBytes(await readAll(await storage.getStream(key)), body);
    expect(await storage.stat(key)).toMatchObject({ size: body.length, etag: md5(body), contentType: 'text/plain' });
  });

  it('refuses tampered presigned URLs with 403', async () => {
    const key = `${prefix}guarded.txt`;
    await storage.put(key, Buffer.from('secret'));
    const url = new URL(await storage.presignGet(key, { expiresInSeconds: 300 }));
    const expectRefused = async (target: string, init?: RequestInit) => {
      const res = await fetch(target, init);
      expect(res.status).toBe(403);
      const text = await res.text();
      if (storage.driver === 'local') expect(JSON.parse(text).error.code).toBe('SIGNED_URL_INVALID');
      expect(text).not.toContain('secret');
    };

    // A changed signature.
    const sigParam = url.searchParams.has('sig') ? 'sig' : 'X-Amz-Signature';
    const badSig = new URL(url);
    const sig = badSig.searchParams.get(sigParam) ?? '';
    badSig.searchParams.set(sigParam, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    await expectRefused(badSig.toString());

    // The same signature on another key.
    await storage.put(`${prefix}other.txt`, Buffer.from('secret too'));
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(/guarded\.txt$/, 'other.txt');
    await expectRefused(otherKey.toString());

    // A lengthened lifetime.
    const longer = new URL(url);
    if (storage.driver === 'local') longer.searchParams.set('expires', String(Number(longer.searchParams.get('expires')) + 3600));
    else longer.searchParams.set('X-Amz-Expires', '604800');
    await expectRefused(longer.toString());

    // A GET URL used to upload.
    await expectRefused(url.toString(), { method: 'PUT', body: 'overwrite' });
    expect((await readAll(await storage.getStream(key))).toString()).toBe('secret');
  });

  it('refuses an expired presigned URL with 403', async () => {
    const key = `${prefix}expiring.txt`;
    await storage.put(key, Buffer.from('soon gone'));
    const url = await storage.presignGet(key, { expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    const text = await res.text();
    if (storage.driver === 'local') expect(JSON.parse(text).error).toMatchObject({ code: 'SIGNED_URL_INVALID', details: { reason: 'EXPIRED' } });
  });

  it('assembles a multipart upload from presigned part URLs, resuming after a listParts', async () => {
    const key = `${prefix}视频/lesson.mp4`;
    const parts = [randomBytes(MIN_PART_BYTES), randomBytes(MIN_PART_BYTES), randomBytes(1234)];
    const uploadId = await storage.initiateMultipart(key, { contentType: 'video/mp4' });
    expect(typeof uploadId).toBe('string');
    expect(await storage.listParts(key, uploadId)).toEqual([]);

    // First session: part 1 only, then the client "goes away".
    const etag1 = await putPart(await storage.presignPart(key, uploadId, 1, 600), parts[0]);

    // Resume: ask what is there, upload the rest.
    const listed = await storage.listParts(key, uploadId);
    expect(listed).toEqual([{ partNumber: 1, size: MIN_PART_BYTES, etag: md5(parts[0]) }]);
    const etag2 = await putPart(await storage.presignPart(key, uploadId, 2, 600), parts[1]);
    const etag3 = await putPart(await storage.presignPart(key, uploadId, 3, 600), parts[2]);
    expect((await storage.listParts(key, uploadId)).map((p) => [p.partNumber, p.size])).toEqual([
      [1, MIN_PART_BYTES],
      [2, MIN_PART_BYTES],
      [3, 1234],
    ]);

    // Etags exactly as the browser saw them, quotes included.
    const done = await storage.completeMultipart(key, uploadId, [
      { partNumber: 1, etag: etag1 },
      { partNumber: 2, etag: etag2 },
      { partNumber: 3, etag: etag3 },
    ]);
    const whole = Buffer.concat(parts);
    expect(done.key).toBe(key);
    expect(done.size).toBe(whole.length);
    // S3's multipart etag: md5 of the part md5s, then "-<count>".
    const partsMd5 = createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex');
    expect(done.etag).toBe(`${partsMd5}-3`);

    const st = await storage.stat(key);
    expect(st).toMatchObject({ size: whole.length, contentType: 'video/mp4', etag: done.etag });
    expect(md5(await readAll(await storage.getStream(key)))).toBe(md5(whole));
    expectBytes(await readAll(await storage.getStream(key, { start: MIN_PART_BYTES - 5, end: MIN_PART_BYTES + 4 })), whole.subarray(MIN_PART_BYTES - 5, MIN_PART_BYTES + 5));
    // A finished upload is gone.
    expect(await codeOf(storage.listParts(key, uploadId))).toBe('UPLOAD_NOT_FOUND');
  });

  it('refuses to complete with a wrong etag, a missing part or an undersized middle part, and stays open', async () => {
    const key = `${prefix}multipart-bad.bin`;
    const uploadId = await storage.initiateMultipart(key);
    const small = randomBytes(1000);
    const last = randomBytes(10);
    const etag1 = await putPart(await storage.presignPart(key, uploadId, 1, 600), small);
    const complete = (parts: { partNumber: number; etag: string }[]) => codeOf(storage.completeMultipart(key, uploadId, parts));

    expect(await complete([{ partNumber: 1, etag: md5(Buffer.from('other')) }])).toBe('UPLOAD_PART_INVALID');
    expect(await complete([{ partNumber: 1, etag: etag1 }, { partNumber: 2, etag: md5(last) }])).toBe('UPLOAD_PART_INVALID');
    const etag2 = await putPart(await storage.presignPart(key, uploadId, 2, 600), last);
    expect(await complete([{ partNumber: 2, etag: etag2 }, { partNumber: 1, etag: etag1 }])).toBe('UPLOAD_PART_INVALID');
    expect(await complete([{ partNumber: 1, etag: etag1 }, { partNumber: 2, etag: etag2 }])).toBe('UPLOAD_PART_INVALID');
    expect(await storage.exists(key)).toBe(false);

    // Still open after the refusals: re-uploading part 1 at full size replaces it, and completion works.
    const big = randomBytes(MIN_PART_BYTES);
    const etag1b = await putPart(await storage.presignPart(key, uploadId, 1, 600), big);
    expect((await storage.listParts(key, uploadId)).map((p) => [p.partNumber, p.size])).toEqual([
      [1, MIN_PART_BYTES],
      [2, 10],
    ]);
    const done = await storage.completeMultipart(key, uploadId, [
      { partNumber: 1, etag: etag1b },
      { partNumber: 2, etag: etag2 },
    ]);
    expect(done.size).toBe(MIN_PART_BYTES + 10);
    expect(md5(await readAll(await storage.getStream(key)))).toBe(md5(Buffer.concat([big, last])));
  });

  it('aborts a multipart upload', async () => {
    const key = `${prefix}aborted.bin`;
    const uploadId = await storage.initiateMultipart(key);
    await putPart(await storage.presignPart(key, uploadId, 1, 600), randomBytes(2048));
    await storage.abortMultipart(key, uploadId);
    expect(await codeOf(storage.listParts(key, uploadId))).toBe('UPLOAD_NOT_FOUND');
    expect(await codeOf(storage.completeMultipart(key, uploadId, [{ partNumber: 1, etag: 'x' }]))).toMatch(/^UPLOAD_(NOT_FOUND|PART_INVALID)$/);
    expect(await storage.exists(key)).toBe(false);
    // Aborting again is not an error.
    await expect(storage.abortMultipart(key, uploadId)).resolves.toBeUndefined();
  });

  it('deletes idempotently; a deleted object is OBJECT_NOT_FOUND', async () => {
    const key = `${prefix}to-delete.txt`;
    await storage.put(key, Buffer.from('bye'));
    await storage.delete(key);
    expect(await codeOf(storage.stat(key))).toBe('OBJECT_NOT_FOUND');
    expect(await codeOf(storage.getStream(key))).toBe('OBJECT_NOT_FOUND');
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.delete(key)).resolves.toBeUndefined();
    expect(await codeOf(storage.stat(`${prefix}never-was.txt`))).toBe('OBJECT_NOT_FOUND');
  });

  it('lists objects under a prefix in key order', async () => {
    const base = `${prefix}listing/`;
    const keys = [`${base}b/2.txt`, `${base}a-c`, `${base}a/1.txt`, `${base}ab`, `${base}中文.txt`];
    for (const [i, key] of keys.entries()) await storage.put(key, Buffer.alloc(i + 1));
    const listed: { key: string; size: number; lastModified: Date }[] = [];
    for await (const obj of storage.list(base)) listed.push(obj);
    // UTF-8 byte order, as S3 lists: '-' < '/' < 'b' < CJK.
    expect(listed.map((o) => o.key)).toEqual([`${base}a-c`, `${base}a/1.txt`, `${base}ab`, `${base}b/2.txt`, `${base}中文.txt`]);
    expect(listed.find((o) => o.key === `${base}ab`)?.size).toBe(4);
    expect(listed.every((o) => o.lastModified instanceof Date)).toBe(true);

    const narrowed: string[] = [];
    for await (const obj of storage.list(`${base}a`)) narrowed.push(obj.key);
    expect(narrowed).toEqual([`${base}a-c`, `${base}a/1.txt`, `${base}ab`]);
  });

  it('rejects keys that could escape or collide, on every driver', async () => {
    for (const key of ['', '../escape', 'a/../../b', '/absolute', 'a//b', 'a/./b', 'back\\slash', 'nul\u0000byte', '.multipart/x', 'x'.repeat(1025)]) {
      expect(await codeOf(storage.put(key, Buffer.from('x')))).toBe('BAD_REQUEST');
      expect(await codeOf(storage.presignGet(key, { expiresInSeconds: 60 }))).toBe('BAD_REQUEST');
    }
    expect(await codeOf(storage.presignGet(`${prefix}x`, { expiresInSeconds: 8 * 24 * 3600 }))).toBe('BAD_REQUEST');
  });

  it('answers on /storage/local only with the local driver', async () => {
    const base = `${config.publicUrl}/storage/local`;
    const unsigned = await fetch(`${base}/${encodeURI(prefix)}buffer.txt`);
    const traversal = await fetch(`${base}/..%2F..%2Fjwt-secret?op=get&expires=9999999999&sig=${'0'.repeat(64)}`);
    const codeIn = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
    if (storage.driver === 'local') {
      expect(unsigned.status).toBe(403);
      expect(await codeIn(unsigned)).toBe('SIGNED_URL_INVALID');
      expect(traversal.status).toBe(403);
      expect(await codeIn(traversal)).toBe('SIGNED_URL_INVALID');
    } else {
      expect(unsigned.status).toBe(404);
      expect(traversal.status).toBe(404);
      await unsigned.arrayBuffer();
      await traversal.arrayBuffer();
    }
  });
});
