import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { In, Repository } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { AppConfig, DomainException, newId, Principal } from '@app/platform';
import { contentDisposition, ObjectStorage, parseRangeHeader, resolveRange } from '@app/storage';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { ResourceDownloadCount } from './resource-download-count.entity';
import { ResourceAccessService } from './resource-access.service';
import { ResourceEvents } from './resource-events';

/**
 * GET /resources/:id/download. The visibility check runs first, and only then is a presigned URL issued (302,
 * the default) or the content streamed through the api with HTTP Range (RESOURCE_DOWNLOAD_MODE=stream). Either
 * way the file keeps its Chinese name (RFC 5987 `filename*=`) and the download is counted for the user's school.
 */
@Injectable()
export class ResourceDownloadsService {
  private readonly logger = new Logger(ResourceDownloadsService.name);

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(StoredObject) private readonly objects: Repository<StoredObject>,
    @InjectRepository(ResourceDownloadCount) private readonly counts: Repository<ResourceDownloadCount>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly access: ResourceAccessService,
    private readonly storage: ObjectStorage,
    private readonly events: ResourceEvents,
    private readonly config: AppConfig,
  ) {}

  async download(actor: Principal, id: string, versionParam: string | undefined, req: Request, res: Response): Promise<void> {
    const resource = await this.access.viewable(actor, id);
    const version = await this.pickVersion(resource, versionParam);
    const object = await this.objects.findOne({ where: { id: version.storedObjectId! } });
    if (!object) throw new DomainException('RESOURCE_NO_CONTENT', '文件已不在存储中，请联系管理员');
    const wanted = parseRangeHeader(req.headers.range);
    // A resumed or seeking download (Range not starting at 0) is the same download, not a new one.
    const isNewDownload = wanted.kind === 'none' || (wanted.start ?? -1) === 0;

    if (this.config.RESOURCE_DOWNLOAD_MODE === 'redirect') {
      const url = await this.storage.presignGet(object.storageKey, {
        expiresInSeconds: this.config.RESOURCE_URL_TTL_SECONDS,
        filename: version.filename,
        contentType: version.contentType,
      });
      if (isNewDownload) await this.count(actor, resource, version);
      res.setHeader('Cache-Control', 'private, no-store');
      res.redirect(302, url);
      return;
    }

    let range;
    try {
      range = resolveRange(wanted, object.size);
    } catch (err) {
      res.setHeader('Content-Range', `bytes */${object.size}`);
      throw err;
    }
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? object.size - 1, object.size - 1);
    const stream = await this.storage.getStream(object.storageKey, range ? { start, end } : undefined);
    if (isNewDownload) await this.count(actor, resource, version);
    res.status(range ? 206 : 200);
    res.setHeader('Content-Type', version.contentType);
    res.setHeader('Content-Length', String(object.size === 0 ? 0 : end - start + 1));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Disposition', contentDisposition(version.filename));
    res.setHeader('ETag', `"${object.sha256}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    // User uploads served from the api's own origin: never sniffed into HTML, never run.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${object.size}`);
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(stream, res);
    } catch (err) {
      // The client went away mid-download; nothing left to tell it.
      stream.destroy();
      this.logger.debug(`download of ${resource.id} interrupted: ${(err as Error).message}`);
    }
  }

  /** The named version (number or id), or the current one; only verified versions can be downloaded. */
  private async pickVersion(resource: Resource, versionParam: string | undefined): Promise<ResourceVersion> {
    let version: ResourceVersion | null;
    if (versionParam === undefined || versionParam === '') {
      if (!resource.currentVersionId) throw new DomainException('RESOURCE_NO_CONTENT');
      version = await this.versions.findOne({ where: { id: resource.currentVersionId } });
    } else if (/^\d{1,9}$/.test(versionParam)) {
      version = await this.versions.findOne({ where: { resourceId: resource.id, number: Number(versionParam) } });
    } else {
      version = await this.versions.findOne({ where: { resourceId: resource.id, id: versionParam } });
    }
    if (!version || version.status !== 'ready' || !version.storedObjectId) throw new DomainException('RESOURCE_VERSION_NOT_FOUND');
    return version;
  }

  /** Counts the download for the resource and the user's organization, then tells listeners (push receipts). */
  private async count(actor: Principal, resource: Resource, version: ResourceVersion): Promise<void> {
    const now = new Date();
    await this.resources.increment({ id: resource.id }, 'downloadCount', 1);
    const bumped = await this.counts.increment({ resourceId: resource.id, organizationId: actor.organizationId }, 'count', 1);
    if (!bumped.affected) {
      try {
        await this.counts.insert({ id: newId(), resourceId: resource.id, organizationId: actor.organizationId, count: 1, lastDownloadedAt: now });
      } catch {
        // Another request inserted the row first: count on it.
        await this.counts.increment({ resourceId: resource.id, organizationId: actor.organizationId }, 'count', 1);
      }
    }
    await this.counts.update({ resourceId: resource.id, organizationId: actor.organizationId }, { lastDownloadedAt: now });
    await this.events.emitDownloaded({ resourceId: resource.id, versionId: version.id, userId: actor.userId, organizationId: actor.organizationId, at: now });
  }

  /** Downloads per school of one resource, most first (for the owner and supervisors). */
  async countsBySchool(
    actor: Principal,
    id: string,
  ): Promise<{ items: { organizationId: string; organizationName: string | null; count: number; lastDownloadedAt: Date }[] }> {
    await this.access.manageable(actor, id);
    const rows = await this.counts.find({ where: { resourceId: id }, order: { count: 'DESC' } });
    const orgs = rows.length ? await this.organizations.find({ where: { id: In(rows.map((r) => r.organizationId)) }, select: { id: true, name: true } }) : [];
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    return {
      items: rows.map((r) => ({ organizationId: r.organizationId, organizationName: names.get(r.organizationId) ?? null, count: r.count, lastDownloadedAt: r.lastDownloadedAt })),
    };
  }
}
