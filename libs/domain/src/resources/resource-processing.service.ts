import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, Repository } from 'typeorm';
import { DomainException, ErrorCode } from '@app/platform';
import { MeteredStream, ObjectStorage } from '@app/storage';
import { OnJob } from '@app/queue';
import { Resource, ResourceStatus } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { needsReview } from './resource-rules';
import { checkContent, SNIFF_BYTES } from './content-check';
import { processResourceUpload } from './jobs/process-upload.job';
import { ResourceNotifier } from './resource-notifier';
import { ResourceEvents } from './resource-events';

/** Discards what it is given: the verification only needs the bytes to pass through the meter. */
class Sink extends Writable {
  override _write(_chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    cb();
  }
}

type Failure = { code: ErrorCode; reason: string };

/**
 * The processing job run after every upload: re-reads the stored bytes to verify the size and the client's
 * SHA-256, detects the real type from the content (an executable named .pdf is refused), then stores the content
 * once per SHA-256 (a duplicate only gains a reference and its new copy is deleted) and moves the resource on:
 * school-only items publish, items shared beyond the school wait for review. The uploader is notified either way.
 * Safe to re-run: a version no longer in `processing` is left alone.
 */
@Injectable()
export class ResourceProcessingService {
  private readonly logger = new Logger(ResourceProcessingService.name);

  constructor(
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
    private readonly notifier: ResourceNotifier,
    private readonly events: ResourceEvents,
  ) {}

  @OnJob(processResourceUpload)
  async handle(data: { versionId: string }): Promise<void> {
    const version = await this.versions.findOne({ where: { id: data.versionId } });
    if (!version || version.status !== 'processing' || !version.uploadKey) return;
    const verified = await this.verify(version);
    if ('code' in verified) {
      await this.fail(version, verified);
      return;
    }
    await this.accept(version, verified);
  }

  private async verify(v: ResourceVersion): Promise<Failure | { sha256: string; contentType: string }> {
    let size: number;
    try {
      size = (await this.storage.stat(v.uploadKey!)).size;
    } catch (err) {
      if (err instanceof DomainException && err.code === 'OBJECT_NOT_FOUND') return { code: 'RESOURCE_SIZE_MISMATCH', reason: '未找到上传的文件内容，请重新上传' };
      throw err;
    }
    if (size !== v.size) return { code: 'RESOURCE_SIZE_MISMATCH', reason: `文件大小 ${size} 字节与声明的 ${v.size} 字节不符` };
    const meter = new MeteredStream(Number.MAX_SAFE_INTEGER, () => new Error('unreachable'), SNIFF_BYTES);
    await pipeline(await this.storage.getStream(v.uploadKey!), meter, new Sink());
    if (meter.size !== v.size) return { code: 'RESOURCE_SIZE_MISMATCH', reason: `读取到 ${meter.size} 字节，与声明的 ${v.size} 字节不符` };
    const sha256 = meter.digest();
    if (v.clientSha256 && v.clientSha256 !== sha256) return { code: 'RESOURCE_SHA256_MISMATCH', reason: '文件校验值（SHA-256）与上传时声明的不符，文件可能在传输中损坏，请重新上传' };
    const verdict = checkContent(v.filename, meter.head(), v.declaredContentType);
    if (!verdict.ok) return { code: verdict.code, reason: verdict.reason };
    return { sha256, contentType: verdict.contentType };
  }

  private async accept(v: ResourceVersion, file: { sha256: string; contentType: string }): Promise<void> {
    const uploadKey = v.uploadKey!;
    let duplicateOf: StoredObject | null = null;
    let outcome: 'published' | 'pending_review' = 'published';
    const done = await this.dataSource.transaction(async (m) => {
      const now = new Date();
      // Claim the version first (a row lock on MySQL): a second run of this job for the same version stops here.
      const claimed = await m.update(ResourceVersion, { id: v.id, status: 'processing' }, { status: 'ready', processedAt: now });
      if (!claimed.affected) return false;
      const resource = await m.findOne(Resource, { where: { id: v.resourceId } });
      if (!resource) throw new Error(`resource ${v.resourceId} of version ${v.id} vanished while processing`);
      // Identical content already stored: take a reference. The conditional UPDATE fails when the free job has just
      // removed an unreferenced row, in which case this upload's bytes become the stored object.
      const existing = await m.findOne(StoredObject, { where: { sha256: file.sha256 } });
      let objectId: string;
      if (existing && (await m.increment(StoredObject, { id: existing.id, sha256: file.sha256 }, 'refCount', 1)).affected) {
        await m.update(StoredObject, { id: existing.id }, { unreferencedAt: null });
        duplicateOf = existing;
        objectId = existing.id;
      } else {
        const created = await m.save(m.create(StoredObject, { sha256: file.sha256, size: v.size, storageKey: uploadKey, contentType: file.contentType, refCount: 1, unreferencedAt: null }));
        objectId = created.id;
      }
      await m.update(ResourceVersion, { id: v.id }, { status: 'ready', sha256: file.sha256, contentType: file.contentType, storedObjectId: objectId, uploadKey: null, processedAt: now });
      outcome = needsReview(resource.visibility) ? 'pending_review' : 'published';
      const patch: Partial<Resource> = {
        status: outcome,
        currentVersionId: v.id,
        pendingVersionId: null,
        priorStatus: null,
        rejectReason: null,
        rejectCode: null,
        updatedAt: now,
      };
      if (outcome === 'published') patch.publishedAt = resource.publishedAt ?? now;
      await m.update(Resource, { id: resource.id }, patch);
      return true;
    });
    if (!done) return;
    if (duplicateOf) {
      // The content was already stored: this copy is not needed.
      await this.storage.delete(uploadKey).catch((err) => this.logger.warn({ err, key: uploadKey }, 'could not delete a duplicate upload'));
    }
    this.logger.log(`version ${v.id} verified (${file.sha256.slice(0, 12)}…, ${duplicateOf ? 'deduplicated' : 'new object'}) -> ${outcome}`);
    await this.events.emitChanged(v.resourceId, 'status');
    const fresh = await this.resources.findOne({ where: { id: v.resourceId } });
    if (fresh) await this.notifier.processed(fresh, { ...v, sha256: file.sha256 } as ResourceVersion, outcome);
  }

  /**
   * The bytes are refused and deleted (nothing of a refused upload is kept). A resource with an earlier good version
   * keeps it and returns to its earlier status; one without becomes `rejected` with the reason and code.
   */
  private async fail(v: ResourceVersion, failure: Failure): Promise<void> {
    const uploadKey = v.uploadKey!;
    const done = await this.dataSource.transaction(async (m) => {
      const moved = await m.update(
        ResourceVersion,
        { id: v.id, status: 'processing' },
        { status: 'failed', failureCode: failure.code, failureReason: failure.reason, uploadKey: null, processedAt: new Date() },
      );
      if (!moved.affected) return false;
      const resource = await m.findOne(Resource, { where: { id: v.resourceId } });
      if (!resource) return true;
      const back: ResourceStatus = resource.currentVersionId ? (resource.priorStatus ?? 'published') : 'rejected';
      await m.update(
        Resource,
        { id: resource.id },
        {
          status: back === 'processing' ? 'published' : back,
          pendingVersionId: null,
          priorStatus: null,
          ...(resource.currentVersionId ? {} : { rejectCode: failure.code, rejectReason: failure.reason }),
          updatedAt: new Date(),
        },
      );
      return true;
    });
    if (!done) return;
    await this.storage.delete(uploadKey).catch((err) => this.logger.warn({ err, key: uploadKey }, 'could not delete a refused upload'));
    this.logger.log(`version ${v.id} refused: ${failure.code}`);
    await this.events.emitChanged(v.resourceId, 'status');
    const resource = await this.resources.findOne({ where: { id: v.resourceId } });
    if (resource) await this.notifier.processed(resource, { ...v, failureReason: failure.reason } as ResourceVersion, 'failed');
  }
}
