import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual, type Hash } from 'node:crypto';
import { constants as fsConstants, createReadStream, createWriteStream, type Dirent, type Stats } from 'node:fs';
import { access, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig, DomainException } from '@app/platform';
import {
  ByteRange,
  CompletedPart,
  ListedObject,
  ObjectStat,
  ObjectStorage,
  PresignGetOptions,
  PresignPutOptions,
  PutOptions,
  StoredObjectInfo,
  UploadedPart,
} from './object-storage.port';
import {
  assertContentType,
  assertExpiry,
  assertPartNumber,
  assertRange,
  assertValidKey,
  assertValidPrefix,
  DEFAULT_CONTENT_TYPE,
  encodeKeyPath,
  MAX_PUT_BYTES,
  MIN_PART_BYTES,
  normalizeEtag,
  normalizeMetadata,
  RESERVED_ROOTS,
} from './storage.helpers';

/** Path of the api route that serves the local driver's presigned URLs. */
export const LOCAL_STORAGE_ROUTE = 'storage/local';

export type SignedOp = 'get' | 'put' | 'part';

/** What a verified local presigned URL allows. */
export interface SignedRequest {
  op: SignedOp;
  key: string;
  expires: number;
  uploadId?: string;
  partNumber?: number;
  filename?: string;
  contentType?: string;
}

interface ObjectMeta {
  etag?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

interface UploadMeta {
  key: string;
  contentType?: string;
  initiated: string;
}

interface PartMeta {
  etag: string;
  size: number;
}

/** An open object: a snapshot of one file (the handle is opened before stat, so a concurrent put cannot mix). */
export interface OpenedObject {
  stream: Readable;
  stat: ObjectStat;
  start: number;
  end: number;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const PART_POINTER = /^part-(\d{5})\.json$/;
const STALE_TMP_MS = 24 * 3600 * 1000;

/** Counts and md5-hashes what passes through; fails past `limit` bytes so a huge body stops early. */
class HashingCounter extends Transform {
  readonly md5: Hash = createHash('md5');
  size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.size += buf.length;
    if (this.size > this.limit) {
      callback(new DomainException('PAYLOAD_TOO_LARGE', undefined, { limit: this.limit }));
      return;
    }
    this.md5.update(buf);
    callback(null, buf);
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && codes.includes((err as { code: string }).code);
}

/**
 * Objects as files under DATA_DIR/objects/<key>. Writes go to `.tmp` and are renamed into place, so readers
 * never see half an object. Per-object metadata (content type, etag, user metadata) sits in
 * `.meta/<sha256(key)[0..2]>/<sha256(key)>.json`, named by hash so no key can collide with it.
 * Presigned URLs are HMAC-signed and served by LocalStorageController.
 */
export class LocalObjectStorage extends ObjectStorage {
  readonly driver = 'local' as const;
  readonly root: string;
  private readonly tmpDir: string;
  private readonly metaDir: string;
  private readonly multipartDir: string;

  constructor(private readonly config: AppConfig) {
    super();
    this.root = resolve(config.dataDir, 'objects');
    this.tmpDir = join(this.root, '.tmp');
    this.metaDir = join(this.root, '.meta');
    this.multipartDir = join(this.root, '.multipart');
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.tmpDir, this.metaDir, this.multipartDir].map((d) => mkdir(d, { recursive: true })));
    // Temp files left by a crash; old enough that no writer in another process still owns them.
    for (const name of await readdir(this.tmpDir)) {
      const file = join(this.tmpDir, name);
      const st = await stat(file).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > STALE_TMP_MS) await rm(file, { force: true, recursive: true });
    }
  }

  async ping(): Promise<void> {
    try {
      await access(this.root, fsConstants.R_OK | fsConstants.W_OK);
      await access(this.tmpDir, fsConstants.W_OK);
    } catch (err) {
      throw new DomainException('SERVICE_UNAVAILABLE', '文件存储不可用', { driver: 'local', reason: (err as Error).message });
    }
  }

  // ---- objects ----

  async put(key: string, body: Readable | Buffer, opts: PutOptions = {}): Promise<StoredObjectInfo> {
    assertValidKey(key);
    assertContentType(opts.contentType);
    const metadata = normalizeMetadata(opts.metadata);
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    const { tmp, size, md5 } = await this.writeTemp(source, MAX_PUT_BYTES, opts.size);
    await this.commit(key, tmp, { etag: md5, contentType: opts.contentType ?? DEFAULT_CONTENT_TYPE, metadata });
    return { key, size, etag: md5 };
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    return (await this.openRead(key, range)).stream;
  }

  /**
   * Opens the object (or an inclusive range of it) together with its stat. The URL controller passes a
   * function, since a suffix range (`bytes=-500`) can only be resolved once the size is known.
   */
  async openRead(key: string, pick?: ByteRange | ((size: number) => ByteRange | undefined)): Promise<OpenedObject> {
    assertValidKey(key);
    if (typeof pick !== 'function') assertRange(pick);
    const path = this.objectPath(key);
    // O_NOFOLLOW: a symlink planted under the root must not serve a file from elsewhere.
    const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW).catch((err) => {
      if (isCode(err, 'ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP')) throw new DomainException('OBJECT_NOT_FOUND', undefined, { key });
      throw err;
    });
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new DomainException('OBJECT_NOT_FOUND', undefined, { key });
      const info = await this.describe(key, st);
      const range = typeof pick === 'function' ? pick(st.size) : pick;
      if (typeof pick === 'function') assertRange(range);
      const start = range?.start ?? 0;
      const last = st.size - 1;
      if (range && start > last) throw new DomainException('RANGE_NOT_SATISFIABLE', undefined, { start, end: range.end, size: st.size });
      const end = Math.min(range?.end ?? last, last);
      // An empty object has no bytes to read; a read stream with end = -1 would still read from 0.
      if (st.size === 0) {
        await handle.close();
        return { stream: Readable.from([]), stat: info, start: 0, end: -1 };
      }
      return { stream: handle.createReadStream({ start, end, autoClose: true }), stat: info, start, end };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectStat> {
    assertValidKey(key);
    const st = await lstat(this.objectPath(key)).catch((err) => {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    });
    if (!st?.isFile()) throw new DomainException('OBJECT_NOT_FOUND', undefined, { key });
    return this.describe(key, st);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.stat(key);
      return true;
    } catch (err) {
      if (err instanceof DomainException && err.code === 'OBJECT_NOT_FOUND') return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const path = this.objectPath(key);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile()) return;
    await unlink(path).catch((err) => {
      if (!isCode(err, 'ENOENT')) throw err;
    });
    await rm(this.metaPath(key), { force: true });
    await this.pruneEmptyDirs(dirname(path));
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    yield* this.walk(this.root, '', prefix);
  }

  // ---- presigned URLs ----

  async presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    assertExpiry(opts.expiresInSeconds);
    assertContentType(opts.contentType);
    return this.signedUrl({ op: 'get', key, expires: this.expiresAt(opts.expiresInSeconds), filename: opts.filename, contentType: opts.contentType });
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<string> {
    assertValidKey(key);
    assertExpiry(opts.expiresInSeconds);
    assertContentType(opts.contentType);
    return this.signedUrl({ op: 'put', key, expires: this.expiresAt(opts.expiresInSeconds), contentType: opts.contentType });
  }

  async presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    assertExpiry(expiresInSeconds);
    await this.readUpload(key, uploadId);
    return this.signedUrl({ op: 'part', key, expires: this.expiresAt(expiresInSeconds), uploadId, partNumber });
  }

  /** Builds the URL of a signed request; exposed for tests of expiry and tampering. */
  signedUrl(req: SignedRequest): string {
    const query = new URLSearchParams({ op: req.op, expires: String(req.expires) });
    if (req.uploadId !== undefined) query.set('uploadId', req.uploadId);
    if (req.partNumber !== undefined) query.set('partNumber', String(req.partNumber));
    if (req.filename !== undefined) query.set('filename', req.filename);
    if (req.contentType !== undefined) query.set('contentType', req.contentType);
    query.set('sig', this.signature(req));
    return `${this.config.publicUrl}/${LOCAL_STORAGE_ROUTE}/${encodeKeyPath(req.key)}?${query.toString()}`;
  }

  /**
   * Checks a request's signature and expiry; returns what it allows or throws SIGNED_URL_INVALID.
   * `query` is the parsed query string of the request, `key` the decoded path after the route.
   */
  verifySignedRequest(key: string, query: Record<string, unknown>, now = Date.now()): SignedRequest {
    const str = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string') throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'MALFORMED' });
      return value;
    };
    const op = str('op');
    const expires = Number(str('expires'));
    const sig = str('sig') ?? '';
    const partNumberRaw = str('partNumber');
    const malformed =
      (op !== 'get' && op !== 'put' && op !== 'part') ||
      !Number.isSafeInteger(expires) ||
      !/^[0-9a-f]{64}$/.test(sig) ||
      (partNumberRaw !== undefined && !/^[1-9]\d{0,4}$/.test(partNumberRaw));
    if (malformed) {
      throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'MALFORMED' });
    }
    const req: SignedRequest = {
      op,
      key,
      expires,
      uploadId: str('uploadId'),
      partNumber: partNumberRaw === undefined ? undefined : Number(partNumberRaw),
      filename: str('filename'),
      contentType: str('contentType'),
    };
    const expected = Buffer.from(this.signature(req), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'SIGNATURE' });
    }
    // Checked after the signature so an attacker learns nothing from the difference.
    if (expires * 1000 < now) throw new DomainException('SIGNED_URL_INVALID', '链接已过期，请重新获取', { reason: 'EXPIRED' });
    return req;
  }

  private signature(req: SignedRequest): string {
    // JSON of a fixed-order array: unambiguous, so no field can be shifted into another.
    const payload = JSON.stringify(['v1', req.op, req.key, req.expires, req.uploadId ?? null, req.partNumber ?? null, req.filename ?? null, req.contentType ?? null]);
    return createHmac('sha256', this.config.storageSigningSecret).update(payload).digest('hex');
  }

  private expiresAt(seconds: number): number {
    return Math.floor(Date.now() / 1000) + seconds;
  }

  // ---- multipart ----

  async initiateMultipart(key: string, opts: { contentType?: string } = {}): Promise<string> {
    assertValidKey(key);
    assertContentType(opts.contentType);
    const uploadId = randomBytes(16).toString('hex');
    const dir = join(this.multipartDir, uploadId);
    await mkdir(dir, { recursive: true });
    const meta: UploadMeta = { key, contentType: opts.contentType, initiated: new Date().toISOString() };
    await this.writeJsonAtomic(join(dir, 'upload.json'), meta);
    return uploadId;
  }

  /** Stores one part from the client's PUT; returns its etag (md5 hex of the part), as S3 does. */
  async putPart(key: string, uploadId: string, partNumber: number, body: Readable, expectedSize?: number): Promise<UploadedPart> {
    assertPartNumber(partNumber);
    await this.readUpload(key, uploadId);
    const dir = this.uploadDir(uploadId);
    const { tmp, size, md5 } = await this.writeTemp(body, MAX_PUT_BYTES, expectedSize);
    // Part data is named by its etag and the pointer file written after it, so a pointer never names
    // data that is not fully there, even when the same part is uploaded twice at once.
    try {
      await rename(tmp, join(dir, `${partName(partNumber)}.${md5}`));
      // No mkdir here: an abort that removed the folder meanwhile must win, not be undone.
      await this.writeJsonAtomic(join(dir, `${partName(partNumber)}.json`), { etag: md5, size } satisfies PartMeta, false);
    } catch (err) {
      await rm(tmp, { force: true });
      if (isCode(err, 'ENOENT')) throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
      throw err;
    }
    return { partNumber, size, etag: md5 };
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    await this.readUpload(key, uploadId);
    const dir = this.uploadDir(uploadId);
    const names = await readdir(dir).catch((err) => {
      if (isCode(err, 'ENOENT')) throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
      throw err;
    });
    const parts: UploadedPart[] = [];
    for (const name of names) {
      const match = PART_POINTER.exec(name);
      if (!match) continue;
      const meta = await this.readJson<PartMeta>(join(dir, name));
      if (meta) parts.push({ partNumber: Number(match[1]), size: meta.size, etag: meta.etag });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<StoredObjectInfo> {
    const upload = await this.readUpload(key, uploadId);
    const dir = this.uploadDir(uploadId);
    if (!Array.isArray(parts) || parts.length === 0) {
      throw new DomainException('UPLOAD_PART_INVALID', '至少需要一个分片', { reason: 'NO_PARTS' });
    }
    // Ceph radosgw refuses a completion that leaves out an uploaded part (AWS allows it); refuse it here
    // too, so code that works on the embedded driver works on every S3.
    const uploaded = (await this.listParts(key, uploadId)).map((p) => p.partNumber);
    const given = new Set(parts.map((p) => p.partNumber));
    const left = uploaded.filter((n) => !given.has(n));
    if (left.length) {
      throw new DomainException('UPLOAD_PART_INVALID', `已上传的分片 ${left.join(', ')} 未包含在内`, { reason: 'PART_NOT_LISTED', partNumbers: left });
    }
    const chosen: { file: string; meta: PartMeta }[] = [];
    for (let i = 0; i < parts.length; i++) {
      const { partNumber, etag } = parts[i];
      assertPartNumber(partNumber);
      if (i > 0 && partNumber <= parts[i - 1].partNumber) {
        throw new DomainException('UPLOAD_PART_INVALID', '分片必须按编号升序排列', { reason: 'PART_ORDER', partNumber });
      }
      const meta = await this.readJson<PartMeta>(join(dir, `${partName(partNumber)}.json`));
      if (!meta) throw new DomainException('UPLOAD_PART_INVALID', `分片 ${partNumber} 未上传`, { reason: 'PART_MISSING', partNumber });
      if (normalizeEtag(etag ?? '') !== meta.etag) {
        throw new DomainException('UPLOAD_PART_INVALID', `分片 ${partNumber} 的校验值不匹配`, { reason: 'ETAG_MISMATCH', partNumber });
      }
      if (i < parts.length - 1 && meta.size < MIN_PART_BYTES) {
        throw new DomainException('UPLOAD_PART_INVALID', `分片 ${partNumber} 小于 5 MiB`, { reason: 'PART_TOO_SMALL', partNumber, minBytes: MIN_PART_BYTES });
      }
      chosen.push({ file: join(dir, `${partName(partNumber)}.${meta.etag}`), meta });
    }

    // Claim the upload so a concurrent complete/abort/part PUT sees it as gone while we assemble.
    const claimed = join(dir, 'upload.completing.json');
    await rename(join(dir, 'upload.json'), claimed).catch((err) => {
      if (isCode(err, 'ENOENT')) throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
      throw err;
    });
    const tmp = join(this.tmpDir, randomUUID());
    try {
      // One pipeline over all the parts: a pipeline per part with `{ end: false }` leaves its end-of-stream
      // listeners on `out` (Node keeps them until `out` closes), so past 10 parts Node warned of a leak.
      const out = createWriteStream(tmp, { flags: 'wx' });
      const closed = once(out, 'close');
      closed.catch(() => undefined); // a failed pipeline destroys `out`; its error is the one to throw
      await pipeline(async function* () {
        for (const part of chosen) yield* createReadStream(part.file);
      }, out);
      await closed;
      const size = chosen.reduce((sum, p) => sum + p.meta.size, 0);
      // S3's multipart etag: md5 of the concatenated binary part md5s, then "-<part count>".
      const etag = `${createHash('md5').update(Buffer.concat(chosen.map((p) => Buffer.from(p.meta.etag, 'hex')))).digest('hex')}-${chosen.length}`;
      await this.commit(key, tmp, { etag, contentType: upload.contentType ?? DEFAULT_CONTENT_TYPE, metadata: {} });
      await rm(dir, { recursive: true, force: true });
      return { key, size, etag };
    } catch (err) {
      await rm(tmp, { force: true });
      await rename(claimed, join(dir, 'upload.json')).catch(() => undefined);
      throw err;
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (!UPLOAD_ID.test(uploadId)) return;
    const dir = join(this.multipartDir, uploadId);
    const meta = await this.readJson<UploadMeta>(join(dir, 'upload.json'));
    // Only the upload's own key may abort it; anything else is "not there", which abort ignores.
    if (meta && meta.key !== key) return;
    await rm(dir, { recursive: true, force: true });
  }

  private uploadDir(uploadId: string): string {
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw new DomainException('UPLOAD_NOT_FOUND', undefined, { uploadId });
    return join(this.multipartDir, uploadId);
  }

  private async readUpload(key: string, uploadId: string): Promise<UploadMeta> {
    assertValidKey(key);
    const meta = await this.readJson<UploadMeta>(join(this.uploadDir(uploadId), 'upload.json'));
    if (!meta || meta.key !== key) throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
    return meta;
  }

  // ---- files ----

  /** Resolves a (validated) key to its file, and refuses anything that would land outside the root. */
  objectPath(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new DomainException('BAD_REQUEST', '文件路径无效', { reason: 'KEY_SEGMENTS', key });
    return path;
  }

  private metaPath(key: string): string {
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return join(this.metaDir, hash.slice(0, 2), `${hash}.json`);
  }

  private async describe(key: string, st: Stats): Promise<ObjectStat> {
    const meta = (await this.readJson<ObjectMeta>(this.metaPath(key))) ?? {};
    return {
      key,
      size: st.size,
      contentType: meta.contentType ?? DEFAULT_CONTENT_TYPE,
      etag: meta.etag,
      lastModified: new Date(st.mtimeMs),
      metadata: meta.metadata ?? {},
    };
  }

  /** Streams `source` into a new temp file; checks the byte count when the caller announced one. */
  private async writeTemp(source: Readable, limit: number, expectedSize?: number): Promise<{ tmp: string; size: number; md5: string }> {
    if (expectedSize !== undefined && (!Number.isSafeInteger(expectedSize) || expectedSize < 0)) {
      throw new DomainException('BAD_REQUEST', '文件大小无效', { reason: 'SIZE_INVALID', size: expectedSize });
    }
    if (expectedSize !== undefined && expectedSize > limit) throw new DomainException('PAYLOAD_TOO_LARGE', undefined, { limit });
    const tmp = join(this.tmpDir, randomUUID());
    const counter = new HashingCounter(limit);
    try {
      await pipeline(source, counter, createWriteStream(tmp, { flags: 'wx' }));
      if (expectedSize !== undefined && counter.size !== expectedSize) {
        throw new DomainException('BAD_REQUEST', '上传的内容不完整', { reason: 'SIZE_MISMATCH', expected: expectedSize, received: counter.size });
      }
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { tmp, size: counter.size, md5: counter.md5.digest('hex') };
  }

  /** Moves a finished temp file to the key, then records its metadata. */
  private async commit(key: string, tmp: string, meta: ObjectMeta): Promise<void> {
    const path = this.objectPath(key);
    try {
      for (let attempt = 0; ; attempt++) {
        await mkdir(dirname(path), { recursive: true });
        try {
          await rename(tmp, path);
          break;
        } catch (err) {
          // A concurrent delete may prune the freshly made folder; make it again once.
          if (isCode(err, 'ENOENT') && attempt === 0) continue;
          throw err;
        }
      }
    } catch (err) {
      await rm(tmp, { force: true });
      if (isCode(err, 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY')) {
        // A file system cannot hold both "a" and "a/b"; S3 can. Keys should not rely on that.
        throw new DomainException('CONFLICT', '文件路径与已有文件冲突', { reason: 'KEY_PATH_CONFLICT', key });
      }
      throw err;
    }
    // Data before metadata: a failed write can then never leave new metadata describing old bytes.
    await this.writeJsonAtomic(this.metaPath(key), meta);
  }

  private async writeJsonAtomic(file: string, value: unknown, makeParent = true): Promise<void> {
    if (makeParent) await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(value), { flag: 'wx' });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async readJson<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  /** Removes folders a delete left empty, up to (not including) the root. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    while (dir.startsWith(this.root + sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): stop
      }
      dir = dirname(dir);
    }
  }

  /**
   * Depth-first walk in S3 order: entries sorted by their UTF-8 bytes with a folder compared as
   * "name/", which keeps every key under it contiguous and in place.
   */
  private async *walk(dir: string, relative: string, prefix: string): AsyncGenerator<ListedObject> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return;
      throw err;
    }
    const sorted = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && !(relative === '' && RESERVED_ROOTS.has(e.name)))
      .map((e) => ({ entry: e, sortKey: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const { entry } of sorted) {
      const key = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        const asPrefix = `${key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) yield* this.walk(join(dir, entry.name), key, prefix);
      } else if (key.startsWith(prefix)) {
        const st = await stat(join(dir, entry.name)).catch(() => undefined);
        if (st?.isFile()) yield { key, size: st.size, lastModified: new Date(st.mtimeMs) };
      }
    }
  }
}

function partName(partNumber: number): string {
  return `part-${String(partNumber).padStart(5, '0')}`;
}
