import type { OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';

export interface PutOptions {
  /** Byte length when known; lets S3 upload in one request instead of a multipart stream. */
  size?: number;
  contentType?: string;
  /** User metadata: keys `[a-z0-9-]`, printable ASCII values (they travel as HTTP headers on S3). */
  metadata?: Record<string, string>;
}

export interface StoredObjectInfo {
  key: string;
  size: number;
  /** md5 hex of the content; for a multipart object S3's `md5-of-part-md5s-N` form. No quotes. */
  etag: string;
}

export interface ObjectStat {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** Inclusive byte range, like an HTTP `Range: bytes=start-end` header; `end` past the object is clamped. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Download name, sent as `Content-Disposition: attachment; filename*=UTF-8''...` (Chinese names work). */
  filename?: string;
  /** Overrides the stored Content-Type in the response. */
  contentType?: string;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
  /** Content-Type the uploader should send. Stored by the local driver; S3 stores what the client sends. */
  contentType?: string;
}

export interface UploadedPart {
  partNumber: number;
  size: number;
  /** No quotes. */
  etag: string;
}

export interface CompletedPart {
  partNumber: number;
  /** As returned in the part PUT's `ETag` header; quotes are accepted. */
  etag: string;
}

/**
 * The object storage port, also the injection token. Implementations: the local folder driver (embedded
 * default, presigned URLs served by the api) and the S3 driver (MinIO / Ceph radosgw / AWS, path-style).
 *
 * Keys are `/`-separated, 1-1024 UTF-8 bytes, with no empty, `.` or `..` segments, no backslash or control
 * characters, and no leading `.multipart`, `.meta` or `.tmp` segment (reserved by the local driver); the
 * same rules apply on both drivers so a key that works locally works on S3.
 *
 * Errors are DomainException: OBJECT_NOT_FOUND, RANGE_NOT_SATISFIABLE, UPLOAD_NOT_FOUND, UPLOAD_PART_INVALID,
 * BAD_REQUEST (invalid key, expiry or metadata), SERVICE_UNAVAILABLE (ping).
 */
export abstract class ObjectStorage implements OnModuleInit {
  /** Which driver answers; lets the local-URL controller refuse when S3 is configured. */
  abstract readonly driver: 'local' | 'minio';

  /** Streams `body` into the object (replacing it). A stream is never buffered whole. */
  abstract put(key: string, body: Readable | Buffer, opts?: PutOptions): Promise<StoredObjectInfo>;

  /** The object's content, or the inclusive `range` of it. */
  abstract getStream(key: string, range?: ByteRange): Promise<Readable>;

  abstract stat(key: string): Promise<ObjectStat>;

  abstract exists(key: string): Promise<boolean>;

  /** Removes the object; removing a missing object is not an error. */
  abstract delete(key: string): Promise<void>;

  /** Every object whose key starts with `prefix`, in UTF-8 byte order of the key (as S3 lists). */
  abstract list(prefix: string): AsyncIterable<ListedObject>;

  abstract presignGet(key: string, opts: PresignGetOptions): Promise<string>;

  abstract presignPut(key: string, opts: PresignPutOptions): Promise<string>;

  /** Starts a multipart upload; parts are PUT by the client to `presignPart` URLs. Returns the upload id. */
  abstract initiateMultipart(key: string, opts?: { contentType?: string }): Promise<string>;

  /** URL for `PUT`ting part `partNumber` (1-10000); the response's `ETag` header is the part's etag. */
  abstract presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string>;

  /** Parts received so far, by part number; lets a client resume an interrupted upload. */
  abstract listParts(key: string, uploadId: string): Promise<UploadedPart[]>;

  /**
   * Joins the parts into the object and ends the upload. `parts` must name every uploaded part, in
   * ascending order, and every part but the last must be at least 5 MiB (S3's rules; Ceph radosgw also
   * refuses leaving an uploaded part out). A refused completion leaves the upload open.
   */
  abstract completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<StoredObjectInfo>;

  /** Ends the upload and discards its parts; aborting an unknown or finished upload is not an error. */
  abstract abortMultipart(key: string, uploadId: string): Promise<void>;

  /** Throws SERVICE_UNAVAILABLE when the storage cannot be reached (used by /health). */
  abstract ping(): Promise<void>;

  /** Creates the bucket or root folder when missing, so the first request does not have to. */
  abstract onModuleInit(): Promise<void>;
}
