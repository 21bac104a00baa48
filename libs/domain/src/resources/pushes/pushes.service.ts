import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { AppConfig, DomainException, newId, Principal, shanghaiDate, toPage } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { Partnership } from '../../partnerships/partnership.entity';
import { NotificationsService } from '../../notifications/notifications.service';
import { Resource } from '../resource.entity';
import { ResourceAccessService } from '../resource-access.service';
import { canViewResource } from '../resource-rules';
import { Push } from './push.entity';
import { PushItem } from './push-item.entity';
import { PushReceipt } from './push-receipt.entity';
import { PushDownload } from './push-download.entity';
import { PushTargetsService, ResolvedTarget } from './push-targets.service';
import { PushCollections } from './push-collections.port';
import { canSeeAdoption, defaultPushTitle, isRecipientRole, RECIPIENT_ROLES } from './push-rules';
import { adoptionView, baseView, isFlagged, receiptView, sortReceipts, ViewNames } from './push-views';
import {
  CreatePushDto,
  InboxPage,
  InboxQuery,
  PushDetailView,
  PushInboxView,
  PushResourceView,
  PushSummaryView,
  ReceiptView,
  SentPushesPage,
  SentPushesQuery,
} from './pushes.dto';

/** Keeps multi-row inserts and IN (...) lists well under the databases' parameter limits. */
const CHUNK = 200;

interface PushContent {
  collection: { id: string; name: string } | null;
  resources: Resource[];
}

/**
 * Pushes (推送, item 9): a coordinator or a mentor pushes resources or a collection to schools with a message; the
 * schools' staff find it in their inbox; the pusher sees adoption per school. Receipts are advanced by
 * PushReceiptsService (open, download, the unopened flag).
 */
@Injectable()
export class PushesService {
  private readonly logger = new Logger(PushesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Push) private readonly pushes: Repository<Push>,
    @InjectRepository(PushItem) private readonly items: Repository<PushItem>,
    @InjectRepository(PushReceipt) private readonly receipts: Repository<PushReceipt>,
    @InjectRepository(PushDownload) private readonly downloads: Repository<PushDownload>,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(Partnership) private readonly partnerships: Repository<Partnership>,
    private readonly access: ResourceAccessService,
    private readonly targets: PushTargetsService,
    private readonly notifications: NotificationsService,
    private readonly collections: PushCollections,
    private readonly config: AppConfig,
  ) {}

  // ---- pushing ----

  async create(principal: Principal, dto: CreatePushDto): Promise<PushDetailView> {
    const byResources = dto.resourceIds !== undefined;
    const byCollection = dto.collectionId !== undefined;
    if (byResources === byCollection) throw new DomainException('PUSH_CONTENT_INVALID');
    const { targets, partnership } = await this.targets.resolve(principal, dto);
    const content = byCollection ? await this.collectionContent(principal, dto.collectionId!) : { collection: null, resources: await this.pushable(principal, dto.resourceIds!) };
    await this.assertVisibleToTargets(content.resources, targets);

    const now = new Date();
    const push = this.pushes.create({
      id: newId(),
      title: dto.title ?? defaultPushTitle(content.collection?.name ?? null, content.resources.map((r) => r.title)),
      message: dto.message,
      targetKind: dto.target,
      partnershipId: partnership?.id ?? null,
      collectionId: content.collection?.id ?? null,
      collectionName: content.collection?.name ?? null,
      pushedById: principal.userId,
      pushedByOrganizationId: principal.organizationId,
      pushedAt: now,
      pushedOn: shanghaiDate(now),
      resourceCount: content.resources.length,
      schoolCount: targets.length,
    });
    const items = content.resources.map((r, i) => this.items.create({ id: newId(), pushId: push.id, resourceId: r.id, position: i + 1, title: r.title }));
    const receipts = targets.map((t) =>
      this.receipts.create({
        id: newId(),
        pushId: push.id,
        organizationId: t.school.id,
        partnershipId: t.partnershipId,
        deliveredAt: now,
        firstOpenedAt: null,
        firstOpenedById: null,
        firstDownloadedAt: null,
        firstDownloadedById: null,
        unopenedFlaggedAt: null,
      }),
    );
    // All or nothing: a push is never visible with part of its items or schools.
    await this.dataSource.transaction(async (m) => {
      await m.insert(Push, push);
      for (const chunk of chunks(items)) await m.insert(PushItem, chunk);
      for (const chunk of chunks(receipts)) await m.insert(PushReceipt, chunk);
    });

    await this.notifyTargets(push, targets.map((t) => t.school.id));
    this.logger.log(`Push ${push.id} by ${principal.username}: ${items.length} resources to ${receipts.length} schools`);
    return this.pusherView(push);
  }

  /** The resources named, in the order given, if each is published, has content and the pusher may see it. */
  private async pushable(principal: Principal, ids: string[]): Promise<Resource[]> {
    const found = new Map((await this.resources.find({ where: { id: In(ids) } })).map((r) => [r.id, r]));
    const problems: { resourceId: string; reason: 'not_found' | 'not_published' }[] = [];
    for (const id of ids) {
      const r = found.get(id);
      // An item the pusher may not see is reported as missing, as everywhere else in the library.
      if (!r || !(await this.access.canView(principal, r))) problems.push({ resourceId: id, reason: 'not_found' });
      else if (r.status !== 'published' || !r.currentVersionId) problems.push({ resourceId: id, reason: 'not_published' });
    }
    if (problems.length) throw new DomainException('PUSH_RESOURCES_UNAVAILABLE', undefined, { resources: problems });
    return ids.map((id) => found.get(id)!);
  }

  /**
   * A collection's items as the pusher sees them (the collections context applies the library's visibility), of
   * which the published ones with content are pushed; an item still in review stays behind.
   */
  private async collectionContent(principal: Principal, collectionId: string): Promise<PushContent> {
    const collection = await this.collections.contents(principal, collectionId);
    const resources = collection.resources.filter((r) => r.status === 'published' && r.currentVersionId);
    if (!resources.length) throw new DomainException('PUSH_RESOURCES_UNAVAILABLE', '该专题资源包中没有可推送的已发布资源', { resources: [] });
    return { collection: { id: collection.id, name: collection.name }, resources };
  }

  /**
   * Every pushed resource must be one the target schools' teachers may open: a push does not widen visibility
   * (a school-only item of one school cannot be pushed to another). Judged by the library's own rules for a
   * teacher of each school.
   */
  private async assertVisibleToTargets(resources: Resource[], targets: ResolvedTarget[]): Promise<void> {
    const hidden = new Map<string, string[]>();
    for (const { school } of targets) {
      const teacher: Principal = { userId: '', username: '', role: 'teacher', organizationId: school.id, countyId: school.countyId };
      let partners: string[] | null = null;
      for (const r of resources) {
        if (r.visibility === 'partnership' && r.organizationId !== school.id) partners ??= await this.access.partnerOrganizationIds(teacher);
        if (!canViewResource(teacher, r, partners ?? [])) hidden.set(r.id, [...(hidden.get(r.id) ?? []), school.id]);
      }
    }
    if (hidden.size) {
      throw new DomainException('PUSH_RESOURCES_NOT_VISIBLE_TO_TARGETS', undefined, {
        resources: [...hidden].map(([resourceId, schoolIds]) => ({ resourceId, schoolIds })),
      });
    }
  }

  private async notifyTargets(push: Push, schoolIds: string[]): Promise<void> {
    try {
      await this.notifications.notifyOrganizationRoles(schoolIds, [...RECIPIENT_ROLES], {
        type: 'push.received',
        title: `收到推送资源：${push.title}`,
        body: push.message,
        link: { kind: 'push', id: push.id },
      });
    } catch (err) {
      // The push stands; a failed notification must not report the push as failed.
      this.logger.error(`Notifying the schools of push ${push.id} failed: ${(err as Error).message}`);
    }
  }

  // ---- reading ----

  /**
   * GET /pushes/:id: the pusher's organization and the city see adoption per school; a target school's staff see
   * the push with their own receipt, and opening it here is their school's "first opened". Anyone else: 404.
   */
  async get(principal: Principal, id: string): Promise<PushDetailView | PushInboxView> {
    const push = await this.pushes.findOne({ where: { id } });
    if (!push) throw new DomainException('PUSH_NOT_FOUND');
    if (canSeeAdoption(principal, push)) return this.pusherView(push);
    if (isRecipientRole(principal)) {
      const receipt = await this.receipts.findOne({ where: { pushId: id, organizationId: principal.organizationId } });
      if (receipt) {
        await this.markOpened(receipt, principal.userId, new Date());
        return (await this.recipientViews(principal, [receipt]))[0];
      }
    }
    throw new DomainException('PUSH_NOT_FOUND');
  }

  /** POST /pushes/:id/open: the caller's school opens the push (by one of its resources, if named). */
  async open(principal: Principal, id: string, resourceId?: string): Promise<PushInboxView> {
    const receipt = await this.receipts.findOne({ where: { pushId: id, organizationId: principal.organizationId } });
    if (!receipt) throw new DomainException('PUSH_NOT_FOUND');
    if (resourceId && !(await this.items.exists({ where: { pushId: id, resourceId } }))) throw new DomainException('RESOURCE_NOT_FOUND', '该推送中没有此资源');
    await this.markOpened(receipt, principal.userId, new Date());
    return (await this.recipientViews(principal, [receipt]))[0];
  }

  /** GET /pushes/inbox: pushes to the caller's school, newest first. */
  async inbox(principal: Principal, query: InboxQuery): Promise<InboxPage> {
    const qb = this.receipts
      .createQueryBuilder('r')
      .where('r.organizationId = :org', { org: principal.organizationId })
      .orderBy('r.deliveredAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .skip(query.offset)
      .take(query.limit);
    if (query.unopened) qb.andWhere('r.firstOpenedAt IS NULL');
    const [rows, total] = await qb.getManyAndCount();
    const unopened = query.unopened ? total : await this.receipts.createQueryBuilder('r').where('r.organizationId = :org AND r.firstOpenedAt IS NULL', { org: principal.organizationId }).getCount();
    return { ...toPage(await this.recipientViews(principal, rows), total, query), unopened };
  }

  /** GET /pushes: pushes sent by the caller's organization (the city: all), newest first, with adoption. */
  async sent(principal: Principal, query: SentPushesQuery): Promise<SentPushesPage> {
    const qb = this.pushes.createQueryBuilder('p').orderBy('p.pushedAt', 'DESC').addOrderBy('p.id', 'DESC').skip(query.offset).take(query.limit);
    if (principal.role !== 'city_admin') qb.andWhere('p.pushedByOrganizationId = :org', { org: principal.organizationId });
    if (query.flagged) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM resource_push_receipts fr WHERE fr.pushId = p.id AND fr.unopenedFlaggedAt IS NOT NULL AND fr.firstOpenedAt IS NULL)`,
      );
    }
    const [rows, total] = await qb.getManyAndCount();
    const receiptsByPush = await this.receiptsOf(rows);
    const names = await this.names(rows, [...receiptsByPush.values()].flat());
    const counts = await this.downloadCounts(rows.map((p) => p.id));
    const items: PushSummaryView[] = rows.map((push) => {
      const receipts = this.receiptViews(push, receiptsByPush.get(push.id) ?? [], names, counts);
      return { ...baseView(push, names), adoption: adoptionView(receipts), flagged: isFlagged(receipts) };
    });
    return toPage(items, total, query);
  }

  /** Sets the school's first-opened time unless already set (a concurrent open keeps the earlier one). */
  async markOpened(receipt: PushReceipt, userId: string, at: Date): Promise<void> {
    if (receipt.firstOpenedAt) return;
    const result = await this.receipts
      .createQueryBuilder()
      .update(PushReceipt)
      .set({ firstOpenedAt: at, firstOpenedById: userId })
      .where('id = :id AND firstOpenedAt IS NULL', { id: receipt.id })
      .execute();
    if (result.affected) Object.assign(receipt, { firstOpenedAt: at, firstOpenedById: userId });
    else Object.assign(receipt, await this.receipts.findOneOrFail({ where: { id: receipt.id } }));
  }

  // ---- views ----

  private async pusherView(push: Push): Promise<PushDetailView> {
    const rows = await this.receipts.find({ where: { pushId: push.id } });
    const names = await this.names([push], rows);
    const receipts = sortReceipts(this.receiptViews(push, rows, names, await this.downloadCounts([push.id])));
    return {
      ...baseView(push, names),
      view: 'pusher',
      resources: (await this.resourceViews([push.id], null)).get(push.id)!,
      adoption: adoptionView(receipts),
      flagged: isFlagged(receipts),
      unopenedDays: this.config.PUSH_UNOPENED_DAYS,
      receipts,
    };
  }

  private async recipientViews(principal: Principal, receipts: PushReceipt[]): Promise<PushInboxView[]> {
    if (!receipts.length) return [];
    const pushes = new Map((await this.pushes.find({ where: { id: In(receipts.map((r) => r.pushId)) } })).map((p) => [p.id, p]));
    const names = await this.names([...pushes.values()], receipts);
    const counts = await this.downloadCounts([...pushes.keys()]);
    const resources = await this.resourceViews([...pushes.keys()], { principal, partners: await this.access.partnerOrganizationIds(principal) });
    return receipts.map((r) => {
      const push = pushes.get(r.pushId)!;
      return { ...baseView(push, names), view: 'recipient', resources: resources.get(push.id) ?? [], receipt: this.receiptViews(push, [r], names, counts)[0] };
    });
  }

  /**
   * Each push's resources in order, with their current facts (two queries for any number of pushes); `viewer`
   * decides availability for a recipient.
   */
  private async resourceViews(pushIds: string[], viewer: { principal: Principal; partners: string[] } | null): Promise<Map<string, PushResourceView[]>> {
    const out = new Map<string, PushResourceView[]>(pushIds.map((id) => [id, []]));
    if (!pushIds.length) return out;
    const items = await this.items.find({ where: { pushId: In(pushIds) }, order: { pushId: 'ASC', position: 'ASC' } });
    const current = new Map<string, Resource>();
    for (const chunk of chunks([...new Set(items.map((i) => i.resourceId))])) {
      for (const r of await this.resources.find({ where: { id: In(chunk) } })) current.set(r.id, r);
    }
    for (const item of items) {
      const r = current.get(item.resourceId);
      const available = !!r && r.status === 'published' && (!viewer || canViewResource(viewer.principal, r, viewer.partners));
      out.get(item.pushId)!.push({
        id: item.resourceId,
        title: r && available ? r.title : item.title,
        type: r?.type ?? null,
        subject: r?.subject ?? null,
        grade: r?.grade ?? null,
        available,
      });
    }
    return out;
  }

  private receiptViews(push: Push, rows: PushReceipt[], names: ViewNames, downloads: Map<string, number>): ReceiptView[] {
    const today = shanghaiDate();
    return rows.map((r) => receiptView(push, r, names, downloads.get(`${r.pushId}:${r.organizationId}`) ?? 0, today, this.config.PUSH_UNOPENED_DAYS));
  }

  private async receiptsOf(pushes: Push[]): Promise<Map<string, PushReceipt[]>> {
    const out = new Map<string, PushReceipt[]>();
    for (const chunk of chunks(pushes.map((p) => p.id))) {
      for (const r of await this.receipts.find({ where: { pushId: In(chunk) } })) out.set(r.pushId, [...(out.get(r.pushId) ?? []), r]);
    }
    return out;
  }

  /** pushId:organizationId -> distinct pushed resources that school downloaded. */
  private async downloadCounts(pushIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!pushIds.length) return out;
    const rows = await this.downloads
      .createQueryBuilder('d')
      .select('d.pushId', 'pushId')
      .addSelect('d.organizationId', 'organizationId')
      .addSelect('COUNT(d.id)', 'n')
      .where('d.pushId IN (:...pushIds)', { pushIds })
      .groupBy('d.pushId')
      .addGroupBy('d.organizationId')
      .getRawMany<{ pushId: string; organizationId: string; n: string | number }>();
    for (const row of rows) out.set(`${row.pushId}:${row.organizationId}`, Number(row.n));
    return out;
  }

  private async names(pushes: Push[], receipts: PushReceipt[]): Promise<ViewNames> {
    const userIds = new Set<string>();
    const orgIds = new Set<string>();
    const partnershipIds = new Set<string>();
    for (const p of pushes) {
      userIds.add(p.pushedById);
      orgIds.add(p.pushedByOrganizationId);
      if (p.partnershipId) partnershipIds.add(p.partnershipId);
    }
    for (const r of receipts) {
      orgIds.add(r.organizationId);
      if (r.firstOpenedById) userIds.add(r.firstOpenedById);
      if (r.firstDownloadedById) userIds.add(r.firstDownloadedById);
    }
    const [users, organizations, partnerships] = await Promise.all([
      userIds.size ? this.users.find({ where: { id: In([...userIds]) }, select: { id: true, name: true } }) : [],
      orgIds.size ? this.organizations.find({ where: { id: In([...orgIds]) } }) : [],
      partnershipIds.size ? this.partnerships.find({ where: { id: In([...partnershipIds]) }, select: { id: true, name: true } }) : [],
    ]);
    return {
      users: new Map(users.map((u) => [u.id, u.name])),
      organizations: new Map(organizations.map((o) => [o.id, o])),
      partnerships: new Map(partnerships.map((p) => [p.id, p.name])),
    };
  }
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
