import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import type { OnModuleDestroy } from '@nestjs/common';
import { Client, type ClientOptions } from 'minio';
import { AppConfig, DomainException, ErrorCode } from '@app/platform';
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
  contentDisposition,
  DEFAULT_CONTENT_TYPE,
  MAX_PUT_BYTES,
  normalizeEtag,
  normalizeMetadata,
} from './storage.helpers';

/**
 * Part size when a stream of unknown length is uploaded (S3's minimum is 5 MiB). One put() holds two part buffers:
 * the one being sent and the next one being filled, so the api's memory does not grow with the file.
 */
const STREAM_PART_BYTES = 8 * 1024 * 1024;
/** S3's limit on the parts of one upload: 78 GiB at STREAM_PART_BYTES, far above any direct-upload limit. */
const MAX_PARTS = 10_000;
const PING_TIMEOUT_MS = 5000;
/** Response headers that are not user metadata when a stat's metaData is read back. */
const STANDARD_HEADERS = new Set(['content-type', 'cache-control', 'content-encoding', 'content-disposition', 'content-language']);

/** S3 error codes -> our codes. Anything else propagates (a logged 500), since it is not the caller's fault. */
const S3_CODES: Record<string, ErrorCode> = {
  NoSuchKey: 'OBJECT_NOT_FOUND',
  NotFound: 'OBJECT_NOT_FOUND',
  InvalidRange: 'RANGE_NOT_SATISFIABLE',
  NoSuchUpload: 'UPLOAD_NOT_FOUND',
  InvalidPart: 'UPLOAD_PART_INVALID',
  InvalidPartOrder: 'UPLOAD_PART_INVALID',
  EntityTooSmall: 'UPLOAD_PART_INVALID',
  MalformedXML: 'UPLOAD_PART_INVALID',
  EntityTooLarge: 'PAYLOAD_TOO_LARGE',
  IncompleteBody: 'BAD_REQUEST',
};

function s3Code(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `notFound`: what a 404 means for the call. radosgw answers the part listing of a finished or aborted
 * upload with NoSuchKey rather than NoSuchUpload, so for upload calls both mean UPLOAD_NOT_FOUND.
 */
function translate(err: unknown, details: Record<string, unknown>, notFound: ErrorCode = 'OBJECT_NOT_FOUND'): unknown {
  const code = s3Code(err);
  const ours = code === 'NotFound' || code === 'NoSuchKey' ? notFound : code ? S3_CODES[code] : undefined;
  return ours ? new DomainException(ours, undefined, { ...details, s3Code: code }) : err;
}

/** Where and as whom a minio client talks to the store (path-style, so any host name works). */
function clientOptions(endpoint: URL, config: AppConfig): ClientOptions {
  const useSSL = endpoint.protocol === 'https:';
  return {
    endPoint: endpoint.hostname.replace(/^\[|\]$/g, ''),
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    pathStyle: true,
    region: config.S3_REGION,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
  };
}

/**
 * The minio client with the two things the driver needs that it keeps protected: listing the parts of an
 * upload, and a PUT whose body is streamed with a declared length (its own putObject buffers up to a
 * whole part, and for unknown sizes picks ~550 MB parts and resumes any other pending upload of the key).
 */
class S3Client extends Client {
  constructor(options: ClientOptions) {
    super(options);
    // Sign the payload as UNSIGNED-PAYLOAD (what the client already does over https) so bodies can be
    // streamed over http too; buffered bodies still carry Content-MD5, so integrity is checked.
    this.enableSHA256 = false;
  }

  uploadedParts(bucket: string, key: string, uploadId: string) {
    return this.listParts(bucket, key, uploadId);
  }

  async putStream(bucket: string, key: string, body: Readable, size: number, headers: Record<string, string>): Promise<string> {
    const guarded = new ExactLength(size);
    // Errors travel both ways: a failing source aborts the request, a length mismatch stops the source.
    pipeline(body, guarded, () => undefined);
    const res = await this.makeRequestStreamAsync(
      { method: 'PUT', bucketName: bucket, objectName: key, headers: { ...headers, 'content-length': String(size) } },
      guarded,
      '',
      [200],
      this.region ?? '',
    );
    res.resume();
    return normalizeEtag(String(res.headers.etag ?? ''));
  }

  /**
   * One part of a multipart upload, its payload unsigned as every body here is: minio's uploadPart() would
   * compute an MD5 of every part (about 2 s of CPU per GiB on the api).
   */
  async uploadPartBuffer(bucket: string, key: string, uploadId: string, partNumber: number, part: Buffer): Promise<string> {
    const res = await this.makeRequestStreamAsync(
      {
        method: 'PUT',
        bucketName: bucket,
        objectName: key,
        query: `uploadId=${uploadId}&partNumber=${partNumber}`, // as minio's own uploadPart() builds it
        headers: { 'content-length': String(part.length) },
      },
      Readable.from([part], { objectMode: false }),
      '',
      [200],
      this.region ?? '',
    );
    res.resume();
    return normalizeEtag(String(res.headers.etag ?? ''));
  }
}

/** Fails a body that is longer or shorter than the Content-Length sent ahead of it (else S3 would wait). */
class ExactLength extends Transform {
  private seen = 0;

  constructor(private readonly expected: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected) callback(this.mismatch());
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.seen === this.expected ? null : this.mismatch());
  }

  private mismatch() {
    return new DomainException('BAD_REQUEST', '上传的内容与声明的大小不一致', { reason: 'SIZE_MISMATCH', expected: this.expected, received: this.seen });
  }
}

/** S3-compatible storage (MinIO, Ceph radosgw, AWS) through the `minio` client, path-style. */
export class MinioObjectStorage extends ObjectStorage implements OnModuleDestroy {
  readonly driver = 'minio' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly endpoint: string;
  /** Our own keep-alive pool, so shutdown can close its sockets instead of leaving them to time out. */
  private readonly agent: HttpAgent;
  /**
   * Signs the URLs handed to browsers. Signing is local (the region is configured, so nothing is asked of the
   * server), and a URL is only valid for the host it was signed for: with S3_PUBLIC_ENDPOINT set (the api reaches
   * the store at an internal name such as http://minio:9000 that browsers cannot resolve) it is signed for the
   * public address; otherwise it is the api's own client.
   */
  private readonly signer: Client;

  constructor(config: AppConfig) {
    super();
    const endpoint = new URL(config.S3_ENDPOINT);
    const useSSL = endpoint.protocol === 'https:';
    this.bucket = config.S3_BUCKET;
    this.endpoint = endpoint.origin;
    this.agent = useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.client = new S3Client({
      ...clientOptions(endpoint, config),
      // A retried request would re-send a stream that is already consumed; callers (jobs) retry instead.
      retryOptions: { disableRetry: true },
      transportAgent: this.agent,
    });
    this.signer = config.S3_PUBLIC_ENDPOINT ? new Client(clientOptions(new URL(config.S3_PUBLIC_ENDPOINT), config)) : this.client;
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }

  async onModuleInit(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.client.region);
    } catch (err) {
      // Another instance created it between our check and our create.
      if (['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(s3Code(err) ?? '')) return;
      // Start-up stops here; say which service and bucket, not just "ECONNREFUSED".
      throw new Error(`Object storage is not usable (S3 at ${this.endpoint}, bucket ${this.bucket}): ${(err as Error).message}`, { cause: err });
    }
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      const exists = await Promise.race([this.client.bucketExists(this.bucket), timeout]);
      if (!exists) throw new Error(`bucket ${this.bucket} does not exist`);
    } catch (err) {
      throw new DomainException('SERVICE_UNAVAILABLE', '文件存储不可用', { driver: 'minio', reason: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- objects ----

  async put(key: string, body: Readable | Buffer, opts: PutOptions = {}): Promise<StoredObjectInfo> {
    assertValidKey(key);
    assertContentType(opts.contentType);
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? DEFAULT_CONTENT_TYPE };
    for (const [k, v] of Object.entries(normalizeMetadata(opts.metadata))) headers[`x-amz-meta-${k}`] = v;
    if (opts.size !== undefined && (!Number.isSafeInteger(opts.size) || opts.size < 0)) {
      throw new DomainException('BAD_REQUEST', '文件大小无效', { reason: 'SIZE_INVALID', size: opts.size });
    }
    try {
      if (Buffer.isBuffer(body)) {
        if (opts.size !== undefined && opts.size !== body.length) {
          throw new DomainException('BAD_REQUEST', '上传的内容与声明的大小不一致', { reason: 'SIZE_MISMATCH', expected: opts.size, received: body.length });
        }
        const { etag } = await this.client.putObject(this.bucket, key, body, body.length, headers);
        return { key, size: body.length, etag: normalizeEtag(etag) };
      }
      if (opts.size !== undefined && opts.size <= MAX_PUT_BYTES) {
        const etag = await this.client.putStream(this.bucket, key, body, opts.size, headers);
        return { key, size: opts.size, etag };
      }
      return await this.putUnknownLength(key, body, headers);
    } catch (err) {
      if (!Buffer.isBuffer(body) && !body.destroyed) body.destroy();
      throw translate(err, { key });
    }
  }

  /**
   * A stream of unknown length: one PUT when it fits in a part, else a multipart upload with parts of
   * STREAM_PART_BYTES. The bytes are copied into two part buffers taken once per upload, one being sent while the
   * other fills, never more: memory stays at two parts whatever the size of the stream. Copying (a memcpy) lets
   * every chunk read from the request die young; held until its part was sent, the chunks outlived the young
   * generation and piled up as garbage until a full collection (tens of MB of RSS over a large upload).
   */
  private async putUnknownLength(key: string, body: Readable, headers: Record<string, string>): Promise<StoredObjectInfo> {
    const buffers: Buffer[] = [];
    let filling = 0;
    let fill = 0;
    const current = (): Buffer => (buffers[filling] ??= Buffer.allocUnsafeSlow(STREAM_PART_BYTES));
    let uploadId: string | undefined;
    const etags: string[] = [];
    let sending: Promise<void> | undefined;
    const sendCurrent = async () => {
      const part = current().subarray(0, fill);
      // Wait for the previous part first: one in flight at a time, so its buffer is free to fill next.
      await sending;
      if (etags.length >= MAX_PARTS) throw new DomainException('PAYLOAD_TOO_LARGE', undefined, { maxParts: MAX_PARTS, partBytes: STREAM_PART_BYTES });
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      const id = uploadId;
      const partNumber = etags.push('');
      sending = this.client.uploadPartBuffer(this.bucket, key, id, partNumber, part).then((etag) => {
        etags[partNumber - 1] = etag;
      });
      // Its failure is thrown where it is awaited (the next part, or the end); never unhandled meanwhile.
      sending.catch(() => undefined);
      filling = 1 - filling;
      fill = 0;
    };
    try {
      for await (const chunk of body) {
        const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        let offset = 0;
        while (offset < buf.length) {
          const copied = buf.copy(current(), fill, offset);
          fill += copied;
          offset += copied;
          if (fill === STREAM_PART_BYTES) await sendCurrent();
        }
      }
      if (!uploadId) {
        const whole = Buffer.from(current().subarray(0, fill));
        const { etag } = await this.client.putObject(this.bucket, key, whole, whole.length, headers);
        return { key, size: whole.length, etag: normalizeEtag(etag) };
      }
      if (fill > 0) await sendCurrent();
      await sending;
      await this.client.completeMultipartUpload(
        this.bucket,
        key,
        uploadId,
        etags.map((etag, i) => ({ part: i + 1, etag })),
      );
    } catch (err) {
      await sending?.catch(() => undefined);
      if (uploadId) await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw err;
    }
    // The multipart etag is not always returned (SERVICES.md quirk); ask for it.
    const st = await this.stat(key);
    return { key, size: st.size, etag: st.etag ?? '' };
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    assertRange(range);
    try {
      if (!range) return await this.client.getObject(this.bucket, key);
      // getPartialObject treats offset 0 with no length as "whole object", which is what bytes=0- means too.
      const length = range.end === undefined ? undefined : range.end - range.start + 1;
      return await this.client.getPartialObject(this.bucket, key, range.start, length);
    } catch (err) {
      throw translate(err, { key, range });
    }
  }

  async stat(key: string): Promise<ObjectStat> {
    assertValidKey(key);
    try {
      const st = await this.client.statObject(this.bucket, key);
      const meta = st.metaData as Record<string, string>;
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(meta)) {
        const lower = k.toLowerCase();
        if (!STANDARD_HEADERS.has(lower) && !lower.startsWith('x-amz-')) metadata[lower] = String(v);
      }
      const contentType = Object.entries(meta).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      return { key, size: st.size, etag: st.etag ? normalizeEtag(st.etag) : undefined, lastModified: st.lastModified, contentType, metadata };
    } catch (err) {
      throw translate(err, { key });
    }
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
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (S3_CODES[s3Code(err) ?? ''] !== 'OBJECT_NOT_FOUND') throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    const stream = this.client.listObjectsV2(this.bucket, prefix, true);
    try {
      for await (const item of stream as AsyncIterable<{ name?: string; size: number; lastModified: Date }>) {
        if (item.name !== undefined) yield { key: item.name, size: item.size, lastModified: item.lastModified };
      }
    } finally {
      stream.destroy();
    }
  }

  // ---- presigned URLs ----

  async presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    assertExpiry(opts.expiresInSeconds);
    assertContentType(opts.contentType);
    const params: Record<string, string> = {};
    if (opts.filename !== undefined) params['response-content-disposition'] = contentDisposition(opts.filename);
    if (opts.contentType !== undefined) params['response-content-type'] = opts.contentType;
    return this.signer.presignedGetObject(this.bucket, key, opts.expiresInSeconds, params);
  }

  async presignPut(key: string, opts: PresignPutOptions): Promise<string> {
    assertValidKey(key);
    assertExpiry(opts.expiresInSeconds);
    assertContentType(opts.contentType);
    // The client signs only the host header, so S3 stores whatever Content-Type the uploader sends.
    return this.signer.presignedPutObject(this.bucket, key, opts.expiresInSeconds);
  }

  async presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    assertExpiry(expiresInSeconds);
    if (typeof uploadId !== 'string' || uploadId === '') throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
    return this.signer.presignedUrl('PUT', this.bucket, key, expiresInSeconds, { partNumber: String(partNumber), uploadId });
  }

  // ---- multipart ----

  async initiateMultipart(key: string, opts: { contentType?: string } = {}): Promise<string> {
    assertValidKey(key);
    assertContentType(opts.contentType);
    return this.client.initiateNewMultipartUpload(this.bucket, key, { 'content-type': opts.contentType ?? DEFAULT_CONTENT_TYPE });
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    assertValidKey(key);
    if (typeof uploadId !== 'string' || uploadId === '') throw new DomainException('UPLOAD_NOT_FOUND', undefined, { key, uploadId });
    try {
      const parts = await this.client.uploadedParts(this.bucket, key, uploadId);
      return parts.map((p) => ({ partNumber: p.part, size: p.size, etag: normalizeEtag(p.etag) })).sort((a, b) => a.partNumber - b.partNumber);
    } catch (err) {
      throw translate(err, { key, uploadId }, 'UPLOAD_NOT_FOUND');
    }
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<StoredObjectInfo> {
    assertValidKey(key);
    if (!Array.isArray(parts) || parts.length === 0) throw new DomainException('UPLOAD_PART_INVALID', '至少需要一个分片', { reason: 'NO_PARTS' });
    parts.forEach((p) => assertPartNumber(p.partNumber));
    try {
      await this.client.completeMultipartUpload(
        this.bucket,
        key,
        uploadId,
        parts.map((p) => ({ part: p.partNumber, etag: normalizeEtag(p.etag ?? '') })),
      );
    } catch (err) {
      const translated = translate(err, { key, uploadId }, 'UPLOAD_NOT_FOUND');
      if (translated !== err) throw translated;
      // radosgw answers completing an aborted upload with a 500 (its lock on the upload fails); tell
      // that case apart by asking for the upload's parts.
      await this.listParts(key, uploadId);
      throw err;
    }
    // The completion response's etag is not always filled in (SERVICES.md quirk); stat gives size and etag.
    const st = await this.stat(key);
    return { key, size: st.size, etag: st.etag ?? '' };
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (typeof uploadId !== 'string' || uploadId === '') return;
    try {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId);
    } catch (err) {
      if (s3Code(err) !== 'NoSuchUpload') throw err;
    }
  }
}
