import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { JobQueue } from '@app/queue';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { UploadSession } from './upload-session.entity';
import { ResourceDownloadCount } from './resource-download-count.entity';
import { Favourite } from './collections/favourite.entity';
import { ResourceAccessService } from './resource-access.service';
import { needsReview, supervisesResource } from './resource-rules';
import { CreateResourceDto, ResourceView, ReviewResourceDto, UpdateResourceDto, VersionView } from './resources.dto';
import { freeResourceObjects } from './jobs/free-objects.job';
import { ResourceNotifier } from './resource-notifier';
import { ResourceEvents } from './resource-events';

export function toVersionView(v: ResourceVersion): VersionView {
  return {
    id: v.id,
    number: v.number,
    filename: v.filename,
    size: v.size,
    sha256: v.sha256,
    contentType: v.contentType,
    status: v.status,
    failureCode: v.failureCode,
    failureReason: v.failureReason,
    uploadedById: v.uploadedById,
    createdAt: v.createdAt,
    processedAt: v.processedAt,
  };
}

/** The owner's county: a school's county, or the county organization itself; null for city-level units. */
export function countyOfOwner(org: Pick<Organization, 'id' | 'kind' | 'countyId'>): string | null {
  return org.kind === 'county' ? org.id : (org.countyId ?? null);
}

/** Resource metadata, lifecycle (review) and deletion. Uploads, processing and downloads live in their own services. */
@Injectable()
export class ResourcesService {
  private readonly logger = new Logger(ResourcesService.name);

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ResourceAccessService,
    private readonly storage: ObjectStorage,
    private readonly queue: JobQueue,
    private readonly notifier: ResourceNotifier,
    private readonly events: ResourceEvents,
  ) {}

  async create(actor: Principal, dto: CreateResourceDto): Promise<ResourceView> {
    // Teachers (and everyone else) create items for their own organization only.
    if (dto.organizationId && dto.organizationId !== actor.organizationId) throw new DomainException('OUT_OF_SCOPE', '只能为本单位上传资源');
    const org = await this.organizations.findOne({ where: { id: actor.organizationId } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const resource = this.resources.create({
      title: dto.title,
      description: dto.description ?? '',
      type: dto.type,
      subject: dto.subject,
      grade: dto.grade,
      edition: dto.edition || null,
      chapter: dto.chapter || null,
      tags: dto.tags ?? [],
      organizationId: org.id,
      ownerCountyId: countyOfOwner(org),
      uploaderId: actor.userId,
      visibility: dto.visibility,
      licence: dto.licence || null,
      attribution: dto.attribution || null,
      status: 'draft',
      rejectReason: null,
      rejectCode: null,
      currentVersionId: null,
      pendingVersionId: null,
      priorStatus: null,
      downloadCount: 0,
      reviewedById: null,
      reviewedAt: null,
      publishedAt: null,
    });
    await this.resources.save(resource);
    await this.events.emitChanged(resource.id, 'created');
    return this.view(actor, resource);
  }

  /** The item for whoever may see it; tells listeners it was opened (push receipts: first opened). */
  async get(actor: Principal, id: string): Promise<ResourceView> {
    const resource = await this.access.viewable(actor, id);
    await this.events.emitViewed({ resourceId: id, userId: actor.userId, organizationId: actor.organizationId, at: new Date() });
    return this.view(actor, resource);
  }

  async update(actor: Principal, id: string, dto: UpdateResourceDto): Promise<ResourceView> {
    const resource = await this.access.manageable(actor, id);
    const before = { ...resource };
    const fields = ['title', 'description', 'type', 'subject', 'grade', 'edition', 'chapter', 'tags', 'visibility', 'licence', 'attribution'] as const;
    let changed = false;
    for (const f of fields) {
      const value = dto[f];
      if (value === undefined) continue;
      const next = (typeof value === 'string' && value === '' && f !== 'description' ? null : value) as never;
      if (JSON.stringify(resource[f]) !== JSON.stringify(next)) {
        (resource as unknown as Record<string, unknown>)[f] = next;
        changed = true;
      }
    }
    if (!changed) return this.view(actor, resource);
    // What a reviewer approved must not change unseen: an edit by the uploader sends an item shared beyond the
    // school back to review; narrowing it to the school publishes it without review. Reviewers' own edits keep the status.
    let toReview = false;
    if (!supervisesResource(actor, resource) && resource.currentVersionId && !resource.pendingVersionId) {
      const reviewRejected = resource.status === 'rejected' && resource.rejectCode === null;
      if (['published', 'pending_review'].includes(resource.status) || reviewRejected) {
        if (needsReview(resource.visibility)) {
          toReview = resource.status !== 'pending_review';
          resource.status = 'pending_review';
        } else {
          resource.status = 'published';
          resource.publishedAt ??= new Date();
        }
        resource.rejectReason = null;
      }
    }
    await this.resources.save(resource);
    await this.events.emitChanged(resource.id, before.status === resource.status ? 'updated' : 'status');
    if (toReview) await this.notifier.awaitingReview(resource);
    this.logger.debug(`resource ${id} updated (status ${before.status} -> ${resource.status})`);
    return this.view(actor, resource);
  }

  async review(actor: Principal, id: string, dto: ReviewResourceDto): Promise<ResourceView> {
    const resource = await this.access.viewable(actor, id);
    if (!this.access.canReview(actor, resource)) throw new DomainException('ACCESS_DENIED', '只有市教育局或资源所属县区的管理员可以审核');
    if (dto.decision === 'reject' && !dto.reason) throw new DomainException('RESOURCE_REJECT_REASON_REQUIRED');
    const now = new Date();
    // Conditional update: two reviewers deciding at once cannot both win.
    const patch =
      dto.decision === 'approve'
        ? { status: 'published' as const, publishedAt: now, rejectReason: null, rejectCode: null }
        : { status: 'rejected' as const, rejectReason: dto.reason!, rejectCode: null };
    const result = await this.resources.update({ id, status: 'pending_review' }, { ...patch, reviewedById: actor.userId, reviewedAt: now, updatedAt: now });
    if (!result.affected) {
      throw new DomainException('RESOURCE_TRANSITION_NOT_ALLOWED', '只有待审核的资源可以审核', { status: resource.status });
    }
    const updated = await this.resources.findOneOrFail({ where: { id } });
    await this.events.emitChanged(id, 'status');
    await this.notifier.reviewed(updated, dto.decision, dto.reason);
    return this.view(actor, updated);
  }

  async listVersions(actor: Principal, id: string): Promise<{ items: VersionView[] }> {
    const resource = await this.access.viewable(actor, id);
    const all = await this.versions.find({ where: { resourceId: id }, order: { number: 'DESC' } });
    const manage = this.access.canManage(actor, resource);
    return { items: all.filter((v) => manage || v.status === 'ready').map(toVersionView) };
  }

  /**
   * Deletes the item with its versions. Stored objects lose a reference; at zero the free job deletes the bytes
   * (another item may share the content). Refused while a version is being processed.
   */
  async remove(actor: Principal, id: string): Promise<void> {
    const resource = await this.access.manageable(actor, id);
    const abortUploads: UploadSession[] = [];
    const deleteKeys: string[] = [];
    await this.dataSource.transaction(async (m) => {
      const versions = await m.find(ResourceVersion, { where: { resourceId: id } });
      if (versions.some((v) => v.status === 'processing')) throw new DomainException('RESOURCE_BUSY', '资源文件正在处理中，请稍后再删除');
      const refs = new Map<string, number>();
      for (const v of versions) {
        if (v.storedObjectId) refs.set(v.storedObjectId, (refs.get(v.storedObjectId) ?? 0) + 1);
        if (v.uploadKey) deleteKeys.push(v.uploadKey);
      }
      const now = new Date();
      for (const [objectId, n] of refs) {
        // unreferencedAt first: MySQL evaluates SET left to right with updated values, SQLite with old ones.
        await m
          .createQueryBuilder()
          .update(StoredObject)
          .set({ unreferencedAt: () => `CASE WHEN refCount <= :n THEN :now ELSE unreferencedAt END`, refCount: () => 'refCount - :n' })
          .where('id = :objectId', { objectId })
          .setParameters({ n, now })
          .execute();
      }
      const sessions = await m.find(UploadSession, { where: { resourceId: id, status: 'active' } });
      abortUploads.push(...sessions);
      if (sessions.length) await m.update(UploadSession, { id: In(sessions.map((s) => s.id)) }, { status: 'aborted', lastActivityAt: now });
      await m.delete(ResourceDownloadCount, { resourceId: id });
      await m.delete(ResourceVersion, { resourceId: id });
      await m.delete(Resource, { id });
    });
    for (const s of abortUploads) {
      await this.storage.abortMultipart(s.storageKey, s.storageUploadId).catch((err) => this.logger.warn({ err, uploadId: s.id }, 'abort of a deleted resource upload failed'));
    }
    for (const key of deleteKeys) {
      await this.storage.delete(key).catch((err) => this.logger.warn({ err, key }, 'could not delete an upload of a deleted resource'));
    }
    await this.events.emitChanged(id, 'deleted');
    await this.queue.enqueue(freeResourceObjects, { trigger: 'delete' }, { attempts: 5, backoff: { type: 'exponential', delayMs: 30_000 } });
    this.logger.log(`resource ${resource.id} deleted by ${actor.username}`);
  }

  async view(actor: Principal, r: Resource): Promise<ResourceView> {
    const manage = this.access.canManage(actor, r);
    const ids = [r.currentVersionId, manage ? r.pendingVersionId : null].filter((x): x is string => !!x);
    const [versions, org, uploader, favourited] = await Promise.all([
      ids.length ? this.versions.find({ where: { id: In(ids) } }) : Promise.resolve([]),
      this.organizations.findOne({ where: { id: r.organizationId }, select: { id: true, name: true } }),
      this.users.findOne({ where: { id: r.uploaderId }, select: { id: true, name: true } }),
      this.dataSource.getRepository(Favourite).existsBy({ userId: actor.userId, resourceId: r.id }),
    ]);
    const current = versions.find((v) => v.id === r.currentVersionId) ?? null;
    const pending = manage ? (versions.find((v) => v.id === r.pendingVersionId) ?? null) : null;
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      type: r.type,
      subject: r.subject,
      grade: r.grade,
      edition: r.edition,
      chapter: r.chapter,
      tags: r.tags,
      visibility: r.visibility,
      licence: r.licence,
      attribution: r.attribution,
      organizationId: r.organizationId,
      organizationName: org?.name ?? null,
      uploaderId: r.uploaderId,
      uploaderName: uploader?.name ?? null,
      status: r.status,
      rejectReason: r.rejectReason,
      rejectCode: r.rejectCode,
      downloadCount: r.downloadCount,
      favourited,
      filename: current?.filename ?? null,
      size: current?.size ?? null,
      sha256: current?.sha256 ?? null,
      contentType: current?.contentType ?? null,
      currentVersion: current ? toVersionView(current) : null,
      pendingVersion: pending ? toVersionView(pending) : null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      publishedAt: r.publishedAt,
      permissions: { manage, review: this.access.canReview(actor, r) && r.status === 'pending_review' },
    };
  }
}
