import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AppConfig, DomainException, newId, Principal, formatBytes } from '@app/platform';
import { MeteredStream, normalizeEtag, ObjectStorage } from '@app/storage';
import { JobQueue } from '@app/queue';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { UploadSession } from './upload-session.entity';
import { ResourceAccessService } from './resource-access.service';
import { ResourceQuotasService } from './resource-quotas.service';
import { CompleteUploadDto, CreateUploadDto, UploadView } from './resources.dto';
import { isBlockedFilename, extensionOf } from './content-check';
import { processResourceUpload } from './jobs/process-upload.job';
import { ResourceEvents } from './resource-events';

/** Where a version's uploaded bytes are written; a new StoredObject keeps this key (see stored-object.entity.ts). */
export function blobKey(versionId: string): string {
  return `resources/blobs/${versionId}`;
}
export const BLOB_PREFIX = 'resources/blobs/';

/** Bytes of multipart/form-data framing (boundaries, part headers, the sha256 field) allowed beyond the file itself. */
const FORM_OVERHEAD = 64 * 1024;
const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
const SHA256 = /^[0-9a-f]{64}$/;
const CONTENT_TYPE = /^[a-zA-Z0-9!#$&^_.+-]{1,64}\/[a-zA-Z0-9!#$&^_.+-]{1,64}$/;

/** A client's file name reduced to its last path segment, without control characters; refused when empty or too long. */
export function cleanFilename(raw: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const name = basename((raw ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!name || name === '.' || name === '..') throw new DomainException('VALIDATION_FAILED', '文件名不能为空', { field: 'filename' });
  if (Array.from(name).length > 255) throw new DomainException('VALIDATION_FAILED', '文件名不能超过 255 个字符', { field: 'filename' });
  return name;
}

function declaredType(raw: string | undefined): string {
  return raw && CONTENT_TYPE.test(raw) ? raw.toLowerCase() : 'application/octet-stream';
}

/** Part size for a file: the configured size, raised to whole MiB so no upload needs more than 10,000 parts. */
export function partSizeFor(size: number, configured: number): number {
  const minimum = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(configured, minimum);
}

function blockedType(filename: string): DomainException {
  return new DomainException('RESOURCE_TYPE_NOT_ALLOWED', `资源库不接收 .${extensionOf(filename)} 文件`, { filename });
}

/**
 * Getting content into a resource: the direct upload (streamed through the api, hashed on the way, never held
 * in memory) and the resumable multipart upload (parts PUT straight to the object store with presigned URLs;
 * the session lives in the database so any api instance continues it). Both end in `markUploaded`, which hands
 * the version to the processing job.
 */
@Injectable()
export class ResourceUploadsService {
  private readonly logger = new Logger(ResourceUploadsService.name);

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(UploadSession) private readonly sessions: Repository<UploadSession>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ResourceAccessService,
    private readonly quotas: ResourceQuotasService,
    private readonly storage: ObjectStorage,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly events: ResourceEvents,
  ) {}

  // ---- direct upload ----

  /**
   * POST /resources/:id/content (multipart/form-data, field `file`, optional field `sha256`). The access check
   * and the size/quota checks come first, so nobody without the right, and no file over the limit, stores a byte.
   * Over the limit mid-stream (a missing or lying Content-Length) the upload stops and its partial object is deleted.
   */
  async uploadDirect(actor: Principal, id: string, req: Request, res: Response): Promise<Resource> {
    const resource = await this.access.manageable(actor, id);
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      throw new DomainException('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传，文件字段名为 file');
    }
    const max = this.config.RESOURCE_UPLOAD_MAX_BYTES;
    const tooLarge = () =>
      new DomainException('RESOURCE_FILE_TOO_LARGE', `直接上传的文件不能超过 ${formatBytes(max)}，更大的文件请使用断点续传`, { maxBytes: max });
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > max + FORM_OVERHEAD) {
      // Answer at once; the rest of the body is not read, so the connection closes after the reply.
      res.setHeader('Connection', 'close');
      throw tooLarge();
    }
    const estimate = Number.isFinite(length) ? Math.max(1, length - FORM_OVERHEAD) : 1;
    const available = await this.quotas.assertFits(resource.organizationId, Math.min(estimate, max));
    const quotaExceeded = () => new DomainException('RESOURCE_QUOTA_EXCEEDED', `本单位资源存储配额剩余 ${formatBytes(available)}，不足以存放该文件`, { availableBytes: available });
    const limit = Math.min(max, available);

    const fields: Record<string, string> = {};
    let received: Promise<{ version: ResourceVersion; meter: MeteredStream }> | undefined;
    let fileError: unknown;
    const bb = busboy({
      headers: req.headers,
      // Browsers send file names as raw UTF-8; busboy's default (latin1) would garble Chinese names.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 5, fieldSize: 1024, fieldNameSize: 50, parts: 6 },
    });
    const parsed = new Promise<void>((resolve, reject) => {
      bb.on('field', (name: string, value: string) => {
        fields[name] = value;
      });
      bb.on('file', (name: string, file: Readable, info: { filename?: string; mimeType?: string }) => {
        if (name !== 'file' || received || fileError) {
          file.resume();
          return;
        }
        let filename: string;
        try {
          filename = cleanFilename(info.filename);
          if (isBlockedFilename(filename)) throw blockedType(filename);
        } catch (err) {
          fileError = err;
          file.resume();
          return;
        }
        received = this.receive(actor, resource, file, filename, declaredType(info.mimeType), limit, () => (limit < max ? quotaExceeded() : tooLarge()));
        // Swallow here; the error is raised below once busboy has finished (or given up on) the request.
        received.catch((err: unknown) => {
          fileError = err;
          file.resume();
        });
      });
      bb.on('close', () => resolve());
      bb.on('error', (err: unknown) => reject(new DomainException('BAD_REQUEST', '上传内容格式错误', { reason: (err as Error).message })));
    });
    req.pipe(bb);
    try {
      await parsed;
    } catch (err) {
      req.unpipe(bb);
      req.resume();
      if (received) await received.then((r) => this.discardVersion(r.version)).catch(() => undefined);
      throw err;
    }
    if (fileError) {
      res.setHeader('Connection', 'close');
      throw fileError;
    }
    if (!received) throw new DomainException('FILE_REQUIRED', '请在 file 字段中选择要上传的文件');
    const { version, meter } = await received;
    try {
      if (meter.size === 0) throw new DomainException('RESOURCE_FILE_EMPTY');
      const claimed = fields.sha256?.trim().toLowerCase();
      if (claimed !== undefined && claimed !== '' && !SHA256.test(claimed)) throw new DomainException('VALIDATION_FAILED', 'sha256 应为 64 位十六进制', { field: 'sha256' });
      const actual = meter.digest();
      // The client's hash is checked here already (the bytes just went past); processing checks the stored copy again.
      if (claimed && claimed !== actual) throw new DomainException('RESOURCE_SHA256_MISMATCH', undefined, { expected: claimed, actual });
      await this.markUploaded(version.id, resource.id, { size: meter.size, clientSha256: claimed || null });
    } catch (err) {
      await this.discardVersion(version);
      throw err;
    }
    return this.resources.findOneOrFail({ where: { id: resource.id } });
  }

  /** Claims the resource's upload slot, then streams the file into storage through the meter. */
  private async receive(
    actor: Principal,
    resource: Resource,
    file: Readable,
    filename: string,
    contentType: string,
    limit: number,
    onLimit: () => Error,
  ): Promise<{ version: ResourceVersion; meter: MeteredStream }> {
    const version = await this.beginVersion(actor, resource, { filename, contentType, size: 0, clientSha256: null });
    const meter = new MeteredStream(limit, onLimit);
    file.on('error', (err) => meter.destroy(err));
    file.pipe(meter);
    try {
      await this.storage.put(version.uploadKey!, meter, { contentType });
    } catch (err) {
      file.unpipe(meter);
      file.resume();
      await this.discardVersion(version);
      throw meter.size > limit ? onLimit() : err;
    }
    return { version, meter };
  }

  // ---- resumable (multipart) upload ----

  /** POST /resources/:id/uploads: starts a multipart upload of a declared size and SHA-256. */
  async initiate(actor: Principal, id: string, dto: CreateUploadDto): Promise<UploadView> {
    const resource = await this.access.manageable(actor, id);
    const filename = cleanFilename(dto.filename);
    if (isBlockedFilename(filename)) throw blockedType(filename);
    const max = this.config.RESOURCE_MULTIPART_MAX_BYTES;
    if (dto.size > max) throw new DomainException('RESOURCE_FILE_TOO_LARGE', `文件不能超过 ${formatBytes(max)}`, { maxBytes: max, size: dto.size });
    await this.quotas.assertFits(resource.organizationId, dto.size);
    const contentType = declaredType(dto.contentType);
    const partSize = partSizeFor(dto.size, this.config.RESOURCE_PART_BYTES);
    const partCount = Math.max(1, Math.ceil(dto.size / partSize));
    const version = await this.beginVersion(actor, resource, { filename, contentType, size: dto.size, clientSha256: dto.sha256 });
    let storageUploadId: string;
    try {
      storageUploadId = await this.storage.initiateMultipart(version.uploadKey!, { contentType });
    } catch (err) {
      await this.discardVersion(version);
      throw err;
    }
    const session = await this.sessions.save(
      this.sessions.create({
        resourceId: resource.id,
        versionId: version.id,
        uploaderId: actor.userId,
        storageKey: version.uploadKey!,
        storageUploadId,
        filename,
        contentType,
        size: dto.size,
        sha256: dto.sha256,
        partSize,
        partCount,
        status: 'active',
      }),
    );
    return this.toView(session, []);
  }

  /** GET /uploads/:uploadId: the session and the parts the object store already holds (what a resuming client skips). */
  async status(actor: Principal, uploadId: string): Promise<UploadView> {
    const session = await this.sessionFor(actor, uploadId);
    if (session.status !== 'active') return this.toView(session, []);
    const parts = await this.storage.listParts(session.storageKey, session.storageUploadId);
    await this.touch(session);
    return this.toView(session, parts);
  }

  /** POST /uploads/:uploadId/parts/:n: a short-lived URL the client PUTs part n to (straight to the object store). */
  async partUrl(actor: Principal, uploadId: string, partNumber: number): Promise<{ url: string; partNumber: number; expiresAt: Date; headers: Record<string, string> }> {
    const session = await this.activeSession(actor, uploadId);
    if (partNumber > session.partCount) {
      throw new DomainException('RESOURCE_UPLOAD_PARTS_INVALID', `分片编号应在 1-${session.partCount} 之间`, { partNumber, partCount: session.partCount });
    }
    const ttl = this.config.RESOURCE_URL_TTL_SECONDS;
    const url = await this.storage.presignPart(session.storageKey, session.storageUploadId, partNumber, ttl);
    await this.touch(session);
    return { url, partNumber, expiresAt: new Date(Date.now() + ttl * 1000), headers: {} };
  }

  /**
   * POST /uploads/:uploadId/complete: the client's list must name every part with the etag the store returned,
   * and the parts must add up to the declared size (each but the last exactly partSize); then the store joins
   * them (S3 and radosgw need every uploaded part listed) and processing takes over.
   */
  async complete(actor: Principal, uploadId: string, dto: CompleteUploadDto): Promise<Resource> {
    const session = await this.activeSession(actor, uploadId);
    const stored = await this.storage.listParts(session.storageKey, session.storageUploadId);
    const problems = this.checkParts(session, stored, dto);
    if (problems) throw new DomainException('RESOURCE_UPLOAD_PARTS_INVALID', undefined, problems);
    // Claim the completion first so two concurrent completes cannot both join the parts.
    const claimed = await this.sessions.update({ id: session.id, status: 'active' }, { status: 'completed', lastActivityAt: new Date() });
    if (!claimed.affected) throw new DomainException('RESOURCE_UPLOAD_NOT_ACTIVE');
    try {
      await this.storage.completeMultipart(
        session.storageKey,
        session.storageUploadId,
        stored.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
      );
    } catch (err) {
      await this.sessions.update({ id: session.id }, { status: 'active' });
      throw err;
    }
    await this.markUploaded(session.versionId, session.resourceId, { size: session.size, clientSha256: session.sha256 });
    return this.resources.findOneOrFail({ where: { id: session.resourceId } });
  }

  /** DELETE /uploads/:uploadId: aborts the upload; the parts and the pending version are dropped. */
  async abort(actor: Principal, uploadId: string): Promise<void> {
    const session = await this.activeSession(actor, uploadId);
    await this.abortSession(session);
  }

  /** Aborts one session (also used by the abandoned-upload cleanup). Safe to repeat. */
  async abortSession(session: UploadSession): Promise<boolean> {
    const claimed = await this.sessions.update({ id: session.id, status: 'active' }, { status: 'aborted', lastActivityAt: new Date() });
    if (!claimed.affected) return false;
    await this.storage.abortMultipart(session.storageKey, session.storageUploadId);
    const version = await this.versions.findOne({ where: { id: session.versionId } });
    if (version) await this.discardVersion(version);
    return true;
  }

  private checkParts(session: UploadSession, stored: { partNumber: number; size: number; etag: string }[], dto: CompleteUploadDto): Record<string, unknown> | null {
    const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
    const expected = Array.from({ length: session.partCount }, (_, i) => i + 1);
    const missing = expected.filter((n) => !byNumber.has(n));
    const extra = stored.filter((p) => p.partNumber > session.partCount).map((p) => p.partNumber);
    const sent = new Map(dto.parts.map((p) => [p.partNumber, normalizeEtag(p.etag)]));
    const notListed = expected.filter((n) => !sent.has(n));
    const etagMismatch = [...sent].filter(([n, etag]) => byNumber.has(n) && normalizeEtag(byNumber.get(n)!.etag) !== etag).map(([n]) => n);
    const lastSize = session.size - (session.partCount - 1) * session.partSize;
    const wrongSize = stored
      .filter((p) => p.partNumber <= session.partCount && p.size !== (p.partNumber === session.partCount ? lastSize : session.partSize))
      .map((p) => p.partNumber);
    if (!missing.length && !extra.length && !notListed.length && !etagMismatch.length && !wrongSize.length) return null;
    return { missingParts: missing, unexpectedParts: extra, partsNotListed: notListed, etagMismatch, wrongSize, partSize: session.partSize, partCount: session.partCount };
  }

  private async sessionFor(actor: Principal, uploadId: string): Promise<UploadSession> {
    const session = await this.sessions.findOne({ where: { id: uploadId } });
    if (!session) throw new DomainException('RESOURCE_UPLOAD_NOT_FOUND');
    const resource = await this.resources.findOne({ where: { id: session.resourceId } });
    // Only the uploader, or someone who may manage the resource, sees or continues the upload.
    if (!resource || (session.uploaderId !== actor.userId && !this.access.canManage(actor, resource))) throw new DomainException('RESOURCE_UPLOAD_NOT_FOUND');
    return session;
  }

  private async activeSession(actor: Principal, uploadId: string): Promise<UploadSession> {
    const session = await this.sessionFor(actor, uploadId);
    if (session.status !== 'active') throw new DomainException('RESOURCE_UPLOAD_NOT_ACTIVE', undefined, { status: session.status });
    return session;
  }

  private async touch(session: UploadSession): Promise<void> {
    await this.sessions.update({ id: session.id, status: 'active' }, { lastActivityAt: new Date() });
  }

  private toView(s: UploadSession, parts: { partNumber: number; size: number; etag: string }[]): UploadView {
    return {
      uploadId: s.id,
      key: s.id,
      resourceId: s.resourceId,
      versionId: s.versionId,
      filename: s.filename,
      size: s.size,
      partSize: s.partSize,
      partCount: s.partCount,
      status: s.status,
      parts: parts.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag })),
    };
  }

  // ---- the version slot ----

  /**
   * Creates the next version (status uploading) and claims the resource's single upload slot with a conditional
   * UPDATE, so two uploads to one resource cannot run at once, on any api instance.
   */
  async beginVersion(
    actor: Principal,
    resource: Resource,
    file: { filename: string; contentType: string; size: number; clientSha256: string | null },
  ): Promise<ResourceVersion> {
    return this.dataSource.transaction(async (m) => {
      const version = m.create(ResourceVersion, {
        resourceId: resource.id,
        number: 0,
        filename: file.filename,
        declaredContentType: file.contentType,
        contentType: file.contentType,
        size: file.size,
        clientSha256: file.clientSha256,
        sha256: null,
        status: 'uploading',
        storedObjectId: null,
        failureCode: null,
        failureReason: null,
        uploadedById: actor.userId,
        processedAt: null,
      });
      version.id = newId();
      version.uploadKey = blobKey(version.id);
      const claimed = await m.update(Resource, { id: resource.id, pendingVersionId: IsNull() }, { pendingVersionId: version.id, updatedAt: new Date() });
      if (!claimed.affected) {
        if (!(await m.exists(Resource, { where: { id: resource.id } }))) throw new DomainException('RESOURCE_NOT_FOUND');
        throw new DomainException('RESOURCE_BUSY');
      }
      const last = await m
        .createQueryBuilder(ResourceVersion, 'v')
        .select('MAX(v.number)', 'max')
        .where('v.resourceId = :id', { id: resource.id })
        .getRawOne<{ max: number | string | null }>();
      version.number = Number(last?.max ?? 0) + 1;
      return m.save(version);
    });
  }

  /** The bytes are all in: the version and the resource move to processing and the job is queued. */
  private async markUploaded(versionId: string, resourceId: string, file: { size: number; clientSha256: string | null }): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const moved = await m.update(ResourceVersion, { id: versionId, status: 'uploading' }, { status: 'processing', size: file.size, clientSha256: file.clientSha256 });
      // The resource was deleted while the bytes were arriving.
      if (!moved.affected) throw new DomainException('RESOURCE_NOT_FOUND');
      const resource = await m.findOne(Resource, { where: { id: resourceId } });
      if (!resource || resource.pendingVersionId !== versionId) throw new DomainException('RESOURCE_NOT_FOUND');
      await m.update(Resource, { id: resourceId }, { priorStatus: resource.status, status: 'processing', updatedAt: new Date() });
    });
    await this.queue.enqueue(processResourceUpload, { versionId }, { jobId: `process-${versionId}`, attempts: 3, backoff: { type: 'exponential', delayMs: 10_000 } });
    await this.events.emitChanged(resourceId, 'status');
  }

  /** Forgets a version that never completed: its bytes, its row, and the resource's upload slot. */
  async discardVersion(version: ResourceVersion): Promise<void> {
    if (version.uploadKey) {
      await this.storage.delete(version.uploadKey).catch((err) => this.logger.warn({ err, key: version.uploadKey }, 'could not delete a discarded upload'));
    }
    await this.dataSource.transaction(async (m) => {
      await m.delete(ResourceVersion, { id: version.id, status: 'uploading' });
      await m.update(Resource, { id: version.resourceId, pendingVersionId: version.id }, { pendingVersionId: null });
    });
  }
}
