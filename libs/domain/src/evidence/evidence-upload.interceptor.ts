import { CallHandler, ExecutionContext, Logger, NestInterceptor } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import multer, { StorageEngine } from 'multer';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';
import { AppConfig, DomainException, Principal, formatBytes } from '@app/platform';
import { MeteredStream, ObjectStorage } from '@app/storage';

/** An evidence file as the upload stored it, before the owning context records it. */
export interface StoredEvidence {
  originalname: string;
  mimetype: string;
  storageKey: string;
  size: number;
  sha256: string;
}

export const MAX_EVIDENCE_FILES = 10;
export const EVIDENCE_FIELD = 'files';
const ALLOW_FILES = Symbol('xz:evidenceFilesAllowed');
const CONTENT_TYPE = /^[a-zA-Z0-9!#$&^_.+-]{1,64}\/[a-zA-Z0-9!#$&^_.+-]{1,64}$/;

/** `evidence/<ownerId>/<uuid>`: the owner is the measure or the rectification the file belongs to. */
export function evidenceKey(ownerId: string): string {
  return `evidence/${ownerId}/${randomUUID()}`;
}

export function evidenceTooLarge(maxBytes: number): DomainException {
  return new DomainException('EVIDENCE_TOO_LARGE', `单个佐证材料不能超过 ${formatBytes(maxBytes)}`, { maxBytes });
}

/** The shared byte counter/hasher, failing with EVIDENCE_TOO_LARGE (413) one byte past the limit. */
export function evidenceMeter(maxBytes: number): MeteredStream {
  return new MeteredStream(maxBytes, () => evidenceTooLarge(maxBytes));
}

/**
 * A multer storage engine that streams each file straight into ObjectStorage (never buffered whole) under
 * `evidence/<req.params.id>/<uuid>`, recording size and SHA-256. Over the limit the stream fails, the partial
 * object is deleted and multer removes every file stored earlier in the request, so nothing is kept.
 */
export class ObjectStorageEvidenceEngine implements StorageEngine {
  private readonly logger = new Logger('EvidenceUpload');

  constructor(
    private readonly storage: ObjectStorage,
    private readonly maxBytes: () => number,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File & StoredEvidence>) => void): void {
    const key = evidenceKey(String(req.params.id));
    const maxBytes = this.maxBytes();
    const meter = evidenceMeter(maxBytes);
    file.stream.on('error', (err) => meter.destroy(err));
    file.stream.pipe(meter);
    const contentType = CONTENT_TYPE.test(file.mimetype ?? '') ? file.mimetype.toLowerCase() : 'application/octet-stream';
    this.storage
      .put(key, meter, { contentType })
      .then(() => cb(null, { storageKey: key, size: meter.size, sha256: meter.digest(), mimetype: contentType }))
      .catch((err: unknown) => {
        // Stop reading the rest of this file and drop whatever part of it reached storage.
        file.stream.unpipe(meter);
        file.stream.resume();
        this.storage
          .delete(key)
          .catch((e) => this.logger.warn({ err: e, key }, 'could not delete a partial evidence object'))
          .finally(() => cb(meter.size > maxBytes ? evidenceTooLarge(maxBytes) : err));
      });
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredEvidence>, cb: (error: Error | null) => void): void {
    if (!file.storageKey) return cb(null);
    this.storage.delete(file.storageKey).then(
      () => cb(null),
      (err: Error) => cb(err),
    );
  }
}

function drain(req: Request): Promise<void> {
  if (!req.readable || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve).once('close', resolve).once('error', () => resolve());
    req.resume();
  });
}

export interface EvidenceUploadOptions {
  /** Non-file form fields accepted besides the files (multipart `fields` limit). */
  maxFields: number;
  /** Message of the ACCESS_DENIED answer when `authorize` allowed the request but not its files. */
  filesRefusedMessage?: string;
}

/**
 * Runs before an evidence-accepting handler. First the context's access check (`authorize`, so nobody without the
 * right uploads a byte), then multipart parsing with files streamed to storage. If anything after that fails
 * (validation, a rule of the service) the stored objects are deleted again. Each context subclasses it with its
 * own `authorize` and registers the subclass as a provider.
 */
export abstract class EvidenceUploadInterceptor implements NestInterceptor {
  private readonly logger = new Logger(this.constructor.name);
  private readonly upload: ReturnType<ReturnType<typeof multer>['array']>;

  protected constructor(
    private readonly storage: ObjectStorage,
    private readonly config: AppConfig,
    options: EvidenceUploadOptions,
  ) {
    const refused = options.filesRefusedMessage ?? '无权上传佐证材料';
    this.upload = multer({
      storage: new ObjectStorageEvidenceEngine(storage, () => this.config.EVIDENCE_MAX_BYTES),
      // Browsers send the file name as raw UTF-8; busboy's default (latin1) would garble Chinese names.
      defParamCharset: 'utf8',
      limits: { files: MAX_EVIDENCE_FILES, fields: options.maxFields, fieldSize: 64 * 1024, fieldNameSize: 100, parts: MAX_EVIDENCE_FILES + options.maxFields },
      fileFilter: (req, _file, cb) => {
        if ((req as unknown as Record<symbol, boolean>)[ALLOW_FILES]) return cb(null, true);
        cb(new DomainException('ACCESS_DENIED', refused) as unknown as Error);
      },
    }).array(EVIDENCE_FIELD, MAX_EVIDENCE_FILES);
  }

  /**
   * The context's access check for `req.params.id`: throws when the caller may not post at all, resolves to
   * whether they may also attach files.
   */
  protected abstract authorize(user: Principal, id: string): Promise<boolean>;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { user: Principal; files?: unknown }>();
    const res = http.getResponse<Response>();
    return from(this.prepare(req, res)).pipe(
      switchMap(() => next.handle()),
      catchError((err: unknown) => from(this.discard(req)).pipe(switchMap(() => throwError(() => err)))),
    );
  }

  private async prepare(req: Request & { user: Principal }, res: Response): Promise<void> {
    let allowFiles: boolean;
    try {
      allowFiles = await this.authorize(req.user, String(req.params.id));
    } catch (err) {
      // Refused before reading the upload: read it to the end (as multer does on its errors) so the client
      // gets the answer instead of a reset connection.
      await drain(req);
      throw err;
    }
    (req as unknown as Record<symbol, boolean>)[ALLOW_FILES] = allowFiles;
    await new Promise<void>((resolve, reject) => this.upload(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  }

  private async discard(req: Request & { files?: unknown }): Promise<void> {
    const files = Array.isArray(req.files) ? (req.files as Partial<StoredEvidence>[]) : [];
    for (const file of files) {
      if (!file.storageKey) continue;
      await this.storage.delete(file.storageKey).catch((err) => this.logger.warn({ err, key: file.storageKey }, 'could not delete a discarded evidence object'));
    }
  }
}
