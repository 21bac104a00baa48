import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, LessThanOrEqual, Not, Repository } from 'typeorm';
import { AppConfig, PLATFORM_TIME_ZONE } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { JobQueue, OnJob } from '@app/queue';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { UploadSession } from './upload-session.entity';
import { BLOB_PREFIX, ResourceUploadsService } from './resource-uploads.service';
import { freeResourceObjects } from './jobs/free-objects.job';
import { cleanAbandonedUploads } from './jobs/abandoned-uploads.job';
import { reconcileResourceStorage } from './jobs/reconcile.job';
import { processResourceUpload } from './jobs/process-upload.job';

/** Entries listed per category in a report; the counts are always complete. */
const REPORT_LIMIT = 200;
/** A version still `processing` this long after upload lost its job (e.g. a worker crash): queue it again. */
const STUCK_PROCESSING_MS = 60 * 60 * 1000;

export interface ReconcileReport {
  repair: boolean;
  minAgeMinutes: number;
  objectsListed: number;
  rowsChecked: number;
  /** Objects in the store no row refers to (neither a stored object nor an upload in progress). */
  orphanObjects: { count: number; deleted: number; items: { key: string; size: number; lastModified: Date; deleted: boolean }[] };
  /** Rows whose object is missing from the store. Unreferenced ones are deleted (safe); referenced ones are only reported. */
  missingObjects: { count: number; rowsDeleted: number; items: { id: string; sha256: string; storageKey: string; refCount: number; rowDeleted: boolean; versionIds: string[] }[] };
  sizeMismatches: { count: number; items: { id: string; storageKey: string; rowSize: number; storedSize: number }[] };
  /** Reference counts that disagreed with the versions pointing at the object (recounted when repairing). */
  refCountsFixed: { count: number; items: { id: string; was: number; now: number }[] };
  /** Versions stuck in processing that were queued again. */
  requeued: string[];
}

/**
 * The library's housekeeping jobs: freeing unreferenced objects, aborting abandoned resumable uploads, and the
 * reconciliation between the object store and the stored_objects rows. Scheduled on start-up (every api and
 * worker start replaces the same schedules).
 */
@Injectable()
export class ResourceMaintenanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ResourceMaintenanceService.name);

  constructor(
    @InjectRepository(StoredObject) private readonly objects: Repository<StoredObject>,
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(UploadSession) private readonly sessions: Repository<UploadSession>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
    private readonly queue: JobQueue,
    private readonly uploads: ResourceUploadsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const hourly = { everyMs: 60 * 60 * 1000, attempts: 3, backoff: { type: 'exponential' as const, delayMs: 60_000 } };
    await this.queue.schedule(freeResourceObjects, { trigger: 'schedule' }, { ...hourly, key: 'hourly' });
    await this.queue.schedule(cleanAbandonedUploads, { trigger: 'schedule' }, { ...hourly, key: 'hourly' });
    await this.queue.schedule(reconcileResourceStorage, { trigger: 'schedule' }, { cron: '30 3 * * *', tz: PLATFORM_TIME_ZONE, key: 'nightly', attempts: 2 });
  }

  /**
   * Deletes objects no version refers to any more. The row goes first, with the condition re-checked in the
   * DELETE, so an upload of the same content that took a reference a moment ago keeps its object; bytes whose
   * delete fails are left for the reconciliation to find.
   */
  @OnJob(freeResourceObjects)
  async freeObjectsJob(): Promise<void> {
    await this.freeObjects();
  }

  @OnJob(cleanAbandonedUploads)
  async cleanAbandonedJob(): Promise<void> {
    await this.cleanAbandoned();
  }

  async freeObjects(): Promise<number> {
    let freed = 0;
    for (;;) {
      const batch = await this.objects.find({ where: { refCount: LessThanOrEqual(0) }, take: 500, order: { id: 'ASC' } });
      if (!batch.length) break;
      for (const o of batch) {
        const gone = await this.objects.delete({ id: o.id, refCount: LessThanOrEqual(0) });
        if (!gone.affected) continue;
        await this.storage.delete(o.storageKey).catch((err) => this.logger.warn({ err, key: o.storageKey }, 'could not delete a freed object'));
        freed++;
      }
      if (batch.length < 500) break;
    }
    if (freed) this.logger.log(`freed ${freed} unreferenced object(s)`);
    return freed;
  }

  /** Aborts resumable uploads idle past UPLOAD_ABANDON_HOURS, and forgets direct uploads cut off mid-stream. */
  async cleanAbandoned(now = new Date()): Promise<{ aborted: number; discarded: number }> {
    const cutoff = new Date(now.getTime() - this.config.UPLOAD_ABANDON_HOURS * 3600 * 1000);
    let aborted = 0;
    const idle = await this.sessions.find({ where: { status: 'active', lastActivityAt: LessThan(cutoff) }, take: 1000 });
    for (const s of idle) {
      try {
        if (await this.uploads.abortSession(s)) aborted++;
      } catch (err) {
        this.logger.warn({ err, uploadId: s.id }, 'could not abort an abandoned upload');
      }
    }
    // A direct upload whose api process died mid-stream leaves a version in `uploading` with no session.
    let discarded = 0;
    const stale = await this.versions.find({ where: { status: 'uploading', createdAt: LessThan(cutoff) }, take: 1000 });
    const withSession = new Set((stale.length ? await this.sessions.find({ where: { versionId: In(stale.map((v) => v.id)), status: 'active' } }) : []).map((s) => s.versionId));
    for (const v of stale.filter((x) => !withSession.has(x.id))) {
      await this.uploads.discardVersion(v);
      discarded++;
    }
    if (aborted || discarded) this.logger.log(`abandoned uploads: ${aborted} aborted, ${discarded} discarded`);
    return { aborted, discarded };
  }

  @OnJob(reconcileResourceStorage)
  async reconcileJob(): Promise<void> {
    const report = await this.reconcile({ repair: true, minAgeMinutes: this.config.UPLOAD_ABANDON_HOURS * 60 });
    const summary = `orphans ${report.orphanObjects.count} (deleted ${report.orphanObjects.deleted}), missing ${report.missingObjects.count} (rows deleted ${report.missingObjects.rowsDeleted}), size mismatches ${report.sizeMismatches.count}, ref counts fixed ${report.refCountsFixed.count}, requeued ${report.requeued.length}`;
    const unsafe = report.missingObjects.count - report.missingObjects.rowsDeleted + report.sizeMismatches.count;
    if (unsafe) this.logger.error(`resource storage reconciliation needs attention: ${summary}`);
    else this.logger.log(`resource storage reconciliation: ${summary}`);
  }

  /**
   * Compares the objects under resources/blobs/ with the rows. Safe repairs: delete orphan objects older than
   * `minAgeMinutes` (younger ones may be an upload being written), delete unreferenced rows whose object is gone,
   * recount reference counts, requeue versions stuck in processing. A referenced row whose object is missing is
   * data loss and only reported.
   */
  async reconcile(opts: { repair: boolean; minAgeMinutes: number }): Promise<ReconcileReport> {
    const now = Date.now();
    const report: ReconcileReport = {
      repair: opts.repair,
      minAgeMinutes: opts.minAgeMinutes,
      objectsListed: 0,
      rowsChecked: 0,
      orphanObjects: { count: 0, deleted: 0, items: [] },
      missingObjects: { count: 0, rowsDeleted: 0, items: [] },
      sizeMismatches: { count: 0, items: [] },
      refCountsFixed: { count: 0, items: [] },
      requeued: [],
    };
    const listed = new Map<string, { size: number; lastModified: Date }>();
    for await (const o of this.storage.list(BLOB_PREFIX)) listed.set(o.key, { size: o.size, lastModified: o.lastModified });
    report.objectsListed = listed.size;

    const rows = await this.objects.find({ select: { id: true, sha256: true, storageKey: true, size: true, refCount: true } });
    report.rowsChecked = rows.length;
    const rowKeys = new Set(rows.map((r) => r.storageKey));
    const uploading = await this.versions.find({ where: { uploadKey: Not(IsNull()) }, select: { id: true, uploadKey: true } });
    const inFlight = new Set(uploading.map((v) => v.uploadKey!));

    for (const [key, info] of listed) {
      if (rowKeys.has(key) || inFlight.has(key)) continue;
      report.orphanObjects.count++;
      let deleted = false;
      if (opts.repair && now - info.lastModified.getTime() >= opts.minAgeMinutes * 60_000) {
        // Re-check right before deleting: a processing job may have adopted the key since the listing.
        const adopted = await this.objects.exists({ where: { storageKey: key } });
        const pending = await this.versions.exists({ where: { uploadKey: key } });
        if (!adopted && !pending) {
          await this.storage.delete(key);
          deleted = true;
          report.orphanObjects.deleted++;
        }
      }
      if (report.orphanObjects.items.length < REPORT_LIMIT) report.orphanObjects.items.push({ key, size: info.size, lastModified: info.lastModified, deleted });
    }

    for (const row of rows) {
      const stored = listed.get(row.storageKey);
      if (!stored) {
        // Listed before the rows were read: an object created after the listing is not missing.
        if (await this.storage.exists(row.storageKey)) continue;
        report.missingObjects.count++;
        let rowDeleted = false;
        if (opts.repair && row.refCount <= 0) {
          rowDeleted = !!(await this.objects.delete({ id: row.id, refCount: LessThanOrEqual(0) })).affected;
          if (rowDeleted) report.missingObjects.rowsDeleted++;
        }
        const versionIds = rowDeleted ? [] : (await this.versions.find({ where: { storedObjectId: row.id }, select: { id: true }, take: 20 })).map((v) => v.id);
        if (report.missingObjects.items.length < REPORT_LIMIT) {
          report.missingObjects.items.push({ id: row.id, sha256: row.sha256, storageKey: row.storageKey, refCount: row.refCount, rowDeleted, versionIds });
        }
      } else if (stored.size !== row.size) {
        report.sizeMismatches.count++;
        if (report.sizeMismatches.items.length < REPORT_LIMIT) report.sizeMismatches.items.push({ id: row.id, storageKey: row.storageKey, rowSize: row.size, storedSize: stored.size });
      }
    }

    // Reference counts against the versions that point at each object.
    const actual = await this.versions
      .createQueryBuilder('v')
      .select('v.storedObjectId', 'id')
      .addSelect('COUNT(*)', 'n')
      .where('v.storedObjectId IS NOT NULL')
      .groupBy('v.storedObjectId')
      .getRawMany<{ id: string; n: string | number }>();
    const counted = new Map(actual.map((a) => [a.id, Number(a.n)]));
    for (const row of await this.objects.find({ select: { id: true, refCount: true } })) {
      const n = counted.get(row.id) ?? 0;
      if (n === row.refCount) continue;
      report.refCountsFixed.count++;
      if (opts.repair) {
        // One statement, so a reference taken meanwhile is counted too.
        await this.dataSource
          .createQueryBuilder()
          .update(StoredObject)
          .set({
            unreferencedAt: () => `CASE WHEN (SELECT COUNT(*) FROM resource_versions v WHERE v.storedObjectId = :id) = 0 THEN :now ELSE NULL END`,
            refCount: () => `(SELECT COUNT(*) FROM resource_versions v WHERE v.storedObjectId = :id)`,
          })
          .where('id = :id', { id: row.id, now: new Date() })
          .execute();
      }
      if (report.refCountsFixed.items.length < REPORT_LIMIT) report.refCountsFixed.items.push({ id: row.id, was: row.refCount, now: n });
    }

    if (opts.repair) {
      const stuck = await this.versions.find({ where: { status: 'processing', createdAt: LessThan(new Date(now - STUCK_PROCESSING_MS)) }, select: { id: true }, take: 100 });
      for (const v of stuck) {
        await this.queue.enqueue(processResourceUpload, { versionId: v.id }, { jobId: `process-${v.id}-r${now}`, attempts: 3, backoff: { type: 'exponential', delayMs: 10_000 } });
        report.requeued.push(v.id);
      }
      if (report.refCountsFixed.count) await this.freeObjects();
    }
    return report;
  }
}
