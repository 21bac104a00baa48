import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DomainException, loadConfig } from '@app/platform';
import { LocalObjectStorage } from './local.driver';
import { MIN_PART_BYTES } from './storage.helpers';

// The module object itself (as the driver's compiled `require('node:fs')` sees it), so that a spy on it applies there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs: typeof import('node:fs') = require('node:fs');
const original = fs.createWriteStream;

function errorOf(fn: () => unknown): DomainException {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainException) return err;
    throw err;
  }
  throw new Error('expected a DomainException');
}

async function rejectionOf(promise: Promise<unknown>): Promise<DomainException> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainException) return err;
    throw err;
  }
  throw new Error('expected a DomainException');
}

describe('LocalObjectStorage', () => {
  let base: string;
  let dataDir: string;
  let storage: LocalObjectStorage;

  const make = (env: Record<string, string> = {}) => {
    const s = new LocalObjectStorage(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PUBLIC_URL: 'http://files.test', ...env }));
    return s;
  };
  const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);
  const keyOf = (url: string) =>
    new URL(url).pathname
      .replace(/^\/storage\/local\//, '')
      .split('/')
      .map(decodeURIComponent)
      .join('/');

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'xz-local-driver-'));
    dataDir = join(base, 'data');
    storage = make();
    await storage.onModuleInit();
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  describe('signed URLs', () => {
    it('round-trips a presigned GET with a Chinese key and filename', async () => {
      const url = await storage.presignGet('资料/教案 1.txt', { expiresInSeconds: 60, filename: '教案（终稿）.txt' });
      expect(url.startsWith('http://files.test/storage/local/')).toBe(true);
      const req = storage.verifySignedRequest(keyOf(url), queryOf(url));
      expect(req).toMatchObject({ op: 'get', key: '资料/教案 1.txt', filename: '教案（终稿）.txt' });
    });

    it('round-trips a part URL with its upload id and part number', async () => {
      const uploadId = await storage.initiateMultipart('big.bin');
      const url = await storage.presignPart('big.bin', uploadId, 7, 60);
      expect(storage.verifySignedRequest('big.bin', queryOf(url))).toMatchObject({ op: 'part', uploadId, partNumber: 7 });
    });

    it.each([
      ['a changed signature', (q: Record<string, string>) => ({ ...q, sig: q.sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })],
      ['a changed operation', (q: Record<string, string>) => ({ ...q, op: 'put' })],
      ['a changed expiry', (q: Record<string, string>) => ({ ...q, expires: String(Number(q.expires) + 1) })],
      ['a changed filename', (q: Record<string, string>) => ({ ...q, filename: 'other.txt' })],
      ['an added content type', (q: Record<string, string>) => ({ ...q, contentType: 'text/html' })],
      ['a removed filename', ({ filename: _drop, ...q }: Record<string, string>) => q],
    ])('refuses a URL with %s', async (_what, tamper) => {
      const url = await storage.presignGet('a.txt', { expiresInSeconds: 60, filename: 'a.txt' });
      const err = errorOf(() => storage.verifySignedRequest('a.txt', tamper(queryOf(url))));
      expect(err.code).toBe('SIGNED_URL_INVALID');
      expect(err.status).toBe(403);
    });

    it('refuses the signature of one key on another', async () => {
      const url = await storage.presignGet('a.txt', { expiresInSeconds: 60 });
      expect(errorOf(() => storage.verifySignedRequest('b.txt', queryOf(url))).details).toMatchObject({ reason: 'SIGNATURE' });
    });

    it('refuses a URL signed with another secret', async () => {
      const other = new LocalObjectStorage(loadConfig({ NODE_ENV: 'test', DATA_DIR: join(base, 'other'), PUBLIC_URL: 'http://files.test' }));
      const url = await other.presignGet('a.txt', { expiresInSeconds: 60 });
      expect(errorOf(() => storage.verifySignedRequest('a.txt', queryOf(url))).code).toBe('SIGNED_URL_INVALID');
    });

    it('refuses an expired URL, and accepts it until then', async () => {
      const url = await storage.presignGet('a.txt', { expiresInSeconds: 60 });
      const expires = Number(queryOf(url).expires);
      expect(storage.verifySignedRequest('a.txt', queryOf(url), expires * 1000)).toMatchObject({ op: 'get' });
      const err = errorOf(() => storage.verifySignedRequest('a.txt', queryOf(url), expires * 1000 + 1));
      expect(err).toMatchObject({ code: 'SIGNED_URL_INVALID', details: { reason: 'EXPIRED' } });
    });

    it('refuses malformed queries', async () => {
      const q = queryOf(await storage.presignGet('a.txt', { expiresInSeconds: 60 }));
      for (const bad of [{}, { ...q, sig: 'zz' }, { ...q, op: 'delete' }, { ...q, expires: 'soon' }, { ...q, sig: [q.sig, q.sig] }, { ...q, partNumber: 'abc' }]) {
        expect(errorOf(() => storage.verifySignedRequest('a.txt', bad)).code).toBe('SIGNED_URL_INVALID');
      }
    });

    it('refuses lifetimes outside 1 s .. 7 days', async () => {
      for (const seconds of [0, -1, 1.5, 7 * 24 * 3600 + 1]) {
        expect((await rejectionOf(storage.presignGet('a.txt', { expiresInSeconds: seconds }))).code).toBe('BAD_REQUEST');
      }
    });
  });

  describe('keys and paths', () => {
    const escaping = ['../outside', '..', 'a/../../outside', '/etc/passwd', 'a//b', 'a/./b', 'a/', 'a\\..\\..\\b', 'nul\u0000', 'line\nbreak', '.multipart/x', '.meta/x', '.tmp/x', 'bad\ud800surrogate'];

    it.each(escaping)('refuses the key %j everywhere', async (key) => {
      expect(errorOf(() => storage.objectPath(key)).code).toBe('BAD_REQUEST');
      expect((await rejectionOf(storage.put(key, Buffer.from('x')))).code).toBe('BAD_REQUEST');
      expect((await rejectionOf(storage.stat(key))).code).toBe('BAD_REQUEST');
      expect((await rejectionOf(storage.delete(key))).code).toBe('BAD_REQUEST');
      expect((await rejectionOf(storage.presignPut(key, { expiresInSeconds: 60 }))).code).toBe('BAD_REQUEST');
    });

    it('writes nothing outside DATA_DIR/objects', async () => {
      for (const key of escaping) await storage.put(key, Buffer.from('x')).catch(() => undefined);
      expect(readdirSync(base)).toEqual(['data']);
      expect(readdirSync(dataDir).sort()).toEqual(['jwt-secret', 'objects']);
      expect(existsSync(join(base, 'outside'))).toBe(false);
    });

    it('keeps odd but harmless keys inside the root', async () => {
      for (const key of ['%2e%2e/x', '...', '.hidden', 'a b/中文 (1).txt', 'x'.repeat(200)]) {
        expect(storage.objectPath(key).startsWith(join(dataDir, 'objects') + '/')).toBe(true);
        await storage.put(key, Buffer.from(key));
        expect((await storage.stat(key)).size).toBe(Buffer.byteLength(key));
      }
    });

    it('refuses an upload id that is not one of ours', async () => {
      for (const id of ['../../objects', 'abc', '0'.repeat(32)]) {
        expect((await rejectionOf(storage.listParts('a.bin', id))).code).toBe('UPLOAD_NOT_FOUND');
      }
      const uploadId = await storage.initiateMultipart('a.bin');
      expect((await rejectionOf(storage.listParts('b.bin', uploadId))).code).toBe('UPLOAD_NOT_FOUND');
    });

    it('reports a key that collides with a "folder" as CONFLICT', async () => {
      await storage.put('dir/file', Buffer.from('x'));
      expect((await rejectionOf(storage.put('dir', Buffer.from('y')))).code).toBe('CONFLICT');
      expect((await rejectionOf(storage.put('dir/file/deeper', Buffer.from('z')))).code).toBe('CONFLICT');
      expect((await storage.stat('dir/file')).size).toBe(1);
    });
  });

  describe('objects', () => {
    it('writes atomically through .tmp and leaves nothing behind', async () => {
      await storage.put('a/b.txt', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
      expect(readdirSync(join(dataDir, 'objects', '.tmp'))).toEqual([]);
      expect(await storage.stat('a/b.txt')).toMatchObject({ size: 11, etag: createHash('md5').update('hello world').digest('hex') });
    });

    it('keeps the old object when a replacing stream fails', async () => {
      await storage.put('keep.txt', Buffer.from('old'));
      const failing = new Readable({
        read() {
          this.push(Buffer.from('new'));
          this.destroy(new Error('client went away'));
        },
      });
      await expect(storage.put('keep.txt', failing)).rejects.toThrow('client went away');
      expect((await storage.stat('keep.txt')).size).toBe(3);
      expect(readdirSync(join(dataDir, 'objects', '.tmp'))).toEqual([]);
    });

    it('prunes folders a delete leaves empty', async () => {
      await storage.put('x/y/z.txt', Buffer.from('1'));
      await storage.delete('x/y/z.txt');
      expect(existsSync(join(dataDir, 'objects', 'x'))).toBe(false);
    });

    it('lists in UTF-8 byte order, skipping its own state folders', async () => {
      for (const key of ['b', 'a/z', 'a-c', 'a.d', 'ab', '中']) await storage.put(key, Buffer.from(key));
      await storage.initiateMultipart('pending.bin');
      const keys: string[] = [];
      for await (const obj of storage.list('')) keys.push(obj.key);
      expect(keys).toEqual(['a-c', 'a.d', 'a/z', 'ab', 'b', '中']);
    });
  });

  describe('multipart', () => {
    it('stores parts with md5 etags and joins them with the S3 multipart etag', async () => {
      const key = 'm.bin';
      const p1 = randomBytes(MIN_PART_BYTES);
      const p2 = randomBytes(17);
      const uploadId = await storage.initiateMultipart(key, { contentType: 'video/mp4' });
      const r1 = await storage.putPart(key, uploadId, 1, Readable.from([p1]));
      const r2 = await storage.putPart(key, uploadId, 2, Readable.from([p2]), 17);
      expect(r1.etag).toBe(createHash('md5').update(p1).digest('hex'));
      const done = await storage.completeMultipart(key, uploadId, [
        { partNumber: 1, etag: `"${r1.etag}"` },
        { partNumber: 2, etag: r2.etag },
      ]);
      const expected = createHash('md5')
        .update(Buffer.concat([createHash('md5').update(p1).digest(), createHash('md5').update(p2).digest()]))
        .digest('hex');
      expect(done).toEqual({ key, size: MIN_PART_BYTES + 17, etag: `${expected}-2` });
      expect(await storage.stat(key)).toMatchObject({ contentType: 'video/mp4', etag: done.etag });
      expect(existsSync(join(dataDir, 'objects', '.multipart', uploadId))).toBe(false);
    });

    it('joins more than ten parts in order without piling listeners on the output file (no MaxListenersExceededWarning)', async () => {
      // Node warns past 10 listeners of one event; count them on every file the driver writes during completion.
      let most = 0;
      const spy = jest.spyOn(fs, 'createWriteStream').mockImplementation(((...args: Parameters<typeof fs.createWriteStream>) => {
        const out = original(...args);
        out.on('newListener', (event: string | symbol) => {
          most = Math.max(most, out.listenerCount(event) + 1);
        });
        return out;
      }) as typeof fs.createWriteStream);
      try {
        const key = 'twelve.bin';
        const uploadId = await storage.initiateMultipart(key);
        const block = randomBytes(MIN_PART_BYTES);
        const parts: { partNumber: number; etag: string }[] = [];
        const hash = createHash('sha256');
        for (let n = 1; n <= 12; n++) {
          // Each part differs (its number stamped in), so a part out of order would change the hash.
          const body = n < 12 ? Buffer.from(block) : Buffer.alloc(100);
          body.writeUInt32BE(n, 0);
          hash.update(body);
          parts.push({ partNumber: n, etag: (await storage.putPart(key, uploadId, n, Readable.from([body]))).etag });
        }
        most = 0;
        const done = await storage.completeMultipart(key, uploadId, parts);
        expect(most).toBeGreaterThan(0); // the spy did see the output file
        expect(most).toBeLessThan(5);
        expect(done.size).toBe(11 * MIN_PART_BYTES + 100);
        const stored = createHash('sha256');
        for await (const chunk of await storage.getStream(key)) stored.update(chunk as Buffer);
        expect(stored.digest('hex')).toBe(hash.digest('hex'));
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses a part whose size differs from its Content-Length, and part numbers out of range', async () => {
      const uploadId = await storage.initiateMultipart('m.bin');
      expect((await rejectionOf(storage.putPart('m.bin', uploadId, 1, Readable.from([Buffer.alloc(5)]), 6))).code).toBe('BAD_REQUEST');
      for (const n of [0, 10001, 1.5]) {
        expect((await rejectionOf(storage.putPart('m.bin', uploadId, n, Readable.from([Buffer.alloc(1)])))).code).toBe('UPLOAD_PART_INVALID');
      }
      expect(await storage.listParts('m.bin', uploadId)).toEqual([]);
    });

    it('refuses to leave out an uploaded part, as radosgw does', async () => {
      const uploadId = await storage.initiateMultipart('m.bin');
      const r1 = await storage.putPart('m.bin', uploadId, 1, Readable.from([Buffer.alloc(10)]));
      await storage.putPart('m.bin', uploadId, 2, Readable.from([Buffer.alloc(10)]));
      const err = await rejectionOf(storage.completeMultipart('m.bin', uploadId, [{ partNumber: 1, etag: r1.etag }]));
      expect(err).toMatchObject({ code: 'UPLOAD_PART_INVALID', details: { reason: 'PART_NOT_LISTED', partNumbers: [2] } });
    });
  });
});
