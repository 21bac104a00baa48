import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { DomainException, Principal, isUniqueViolation } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { Resource, ResourceVisibility } from '../resource.entity';
import { ResourceAccessService } from '../resource-access.service';
import { countyOfOwner } from '../resources.service';
import { ResourceSummaries } from '../search/resource-summaries';
import { decodeCursor, encodeCursor } from '../search/search-cursor';
import { Collection } from './collection.entity';
import { CollectionItem } from './collection-item.entity';
import {
  AddCollectionItemDto,
  CollectionDetailView,
  CollectionPage,
  CollectionView,
  COLLECTIONS_MAX_LIMIT,
  CreateCollectionDto,
  ListCollectionsQuery,
  MAX_COLLECTION_ITEMS,
  UpdateCollectionDto,
  UpdateCollectionItemDto,
} from './collections.dto';

/** City-wide collections are the coordinators' curation (the city library is the city bureau's, policy measure 九). */
const CITY_CURATORS = ['city_admin', 'county_admin'];

/** LIKE pattern text with % and _ taken literally; '!' escapes (a backslash means different things on MySQL and SQLite). */
const escapeLike = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * Collections (专题资源包). A collection is seen and managed by the same rules as a resource (the library's
 * ResourceAccessService over its organization, county, creator, visibility and status), and each of its items
 * is shown to a viewer only when the viewer may see that resource.
 */
@Injectable()
export class CollectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Collection) private readonly collections: Repository<Collection>,
    @InjectRepository(CollectionItem) private readonly items: Repository<CollectionItem>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly access: ResourceAccessService,
    private readonly summaries: ResourceSummaries,
  ) {}

  async create(actor: Principal, dto: CreateCollectionDto): Promise<CollectionDetailView> {
    this.assertVisibilityAllowed(actor, dto.visibility);
    const org = await this.organizations.findOne({ where: { id: actor.organizationId } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const collection = this.collections.create({
      name: dto.name,
      description: dto.description ?? '',
      organizationId: org.id,
      ownerCountyId: countyOfOwner(org),
      uploaderId: actor.userId,
      visibility: dto.visibility,
      status: dto.status ?? 'published',
    });
    await this.collections.save(collection);
    return this.detail(actor, collection);
  }

  async list(actor: Principal, query: ListCollectionsQuery): Promise<CollectionPage> {
    const limit = Math.min(query.limit ?? 20, COLLECTIONS_MAX_LIMIT);
    const visible = await this.access.visibleResourceFilter(actor, 'c');
    const qb = this.collections
      .createQueryBuilder('c')
      .where(visible.sql, visible.params)
      .andWhere('c.status = :status', { status: query.status ?? 'published' });
    if (query.q) qb.andWhere(`c.name LIKE :name ESCAPE '!'`, { name: `%${escapeLike(query.q)}%` });
    if (query.organizationId) qb.andWhere('c.organizationId = :org', { org: query.organizationId });
    if (query.cursor) {
      const after = decodeCursor(query.cursor, 'newest');
      qb.andWhere('(c.createdAt < :after OR (c.createdAt = :after AND c.id < :afterId))', { after: new Date(after.value), afterId: after.id });
    }
    const rows = await qb.orderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.views(actor, page),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'newest', value: last.createdAt.getTime(), id: last.id }) : null,
    };
  }

  async get(actor: Principal, id: string): Promise<CollectionDetailView> {
    return this.detail(actor, await this.viewable(actor, id));
  }

  async update(actor: Principal, id: string, dto: UpdateCollectionDto): Promise<CollectionDetailView> {
    const collection = await this.manageable(actor, id);
    if (dto.visibility && dto.visibility !== collection.visibility) this.assertVisibilityAllowed(actor, dto.visibility);
    if (dto.name !== undefined) collection.name = dto.name;
    if (dto.description !== undefined) collection.description = dto.description;
    if (dto.visibility !== undefined) collection.visibility = dto.visibility;
    if (dto.status !== undefined) collection.status = dto.status;
    await this.collections.save(collection);
    return this.detail(actor, collection);
  }

  async remove(actor: Principal, id: string): Promise<void> {
    await this.manageable(actor, id);
    await this.collections.delete({ id });
  }

  async addItem(actor: Principal, id: string, dto: AddCollectionItemDto): Promise<CollectionDetailView> {
    await this.manageable(actor, id);
    const resource = await this.access.viewable(actor, dto.resourceId);
    if (resource.status !== 'published') throw new DomainException('COLLECTION_ITEM_NOT_PUBLISHED');
    try {
      await this.dataSource.transaction(async (m) => {
        const current = await this.lockedItems(m, id);
        if (current.some((i) => i.resourceId === resource.id)) throw new DomainException('COLLECTION_ITEM_EXISTS');
        if (current.length >= MAX_COLLECTION_ITEMS) throw new DomainException('COLLECTION_FULL', undefined, { max: MAX_COLLECTION_ITEMS });
        const item = m.create(CollectionItem, {
          collectionId: id,
          resourceId: resource.id,
          position: 0,
          note: dto.note || null,
          addedById: actor.userId,
          addedAt: new Date(),
        });
        const at = Math.min(dto.position ?? current.length + 1, current.length + 1);
        const ordered = [...current];
        ordered.splice(at - 1, 0, item);
        item.position = at;
        await m.save(item);
        await this.renumber(m, ordered, item);
        await m.update(Collection, { id }, { updatedAt: new Date() });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('COLLECTION_ITEM_EXISTS');
      throw err;
    }
    return this.get(actor, id);
  }

  async updateItem(actor: Principal, id: string, resourceId: string, dto: UpdateCollectionItemDto): Promise<CollectionDetailView> {
    await this.manageable(actor, id);
    await this.dataSource.transaction(async (m) => {
      const current = await this.lockedItems(m, id);
      const item = current.find((i) => i.resourceId === resourceId);
      if (!item) throw new DomainException('COLLECTION_ITEM_NOT_FOUND');
      if (dto.note !== undefined) await m.update(CollectionItem, { id: item.id }, { note: dto.note || null });
      if (dto.position !== undefined) {
        const ordered = current.filter((i) => i !== item);
        ordered.splice(Math.min(dto.position, ordered.length + 1) - 1, 0, item);
        await this.renumber(m, ordered);
      }
      await m.update(Collection, { id }, { updatedAt: new Date() });
    });
    return this.get(actor, id);
  }

  async removeItem(actor: Principal, id: string, resourceId: string): Promise<void> {
    await this.manageable(actor, id);
    await this.dataSource.transaction(async (m) => {
      await this.lockedItems(m, id);
      const result = await m.delete(CollectionItem, { collectionId: id, resourceId });
      if (!result.affected) throw new DomainException('COLLECTION_ITEM_NOT_FOUND');
      // The remaining positions keep their order; a gap does not matter.
      await m.update(Collection, { id }, { updatedAt: new Date() });
    });
  }

  /** A collection the principal may see; unknown and invisible ids both answer COLLECTION_NOT_FOUND. */
  async viewable(actor: Principal, id: string): Promise<Collection> {
    const collection = await this.collections.findOne({ where: { id } });
    if (!collection || !(await this.access.canView(actor, collection))) throw new DomainException('COLLECTION_NOT_FOUND');
    return collection;
  }

  /** The collection's resources the principal may see, in the collection's order. */
  async visibleResources(actor: Principal, id: string): Promise<Resource[]> {
    const visible = await this.access.visibleResourceFilter(actor, 'r');
    return this.dataSource
      .getRepository(Resource)
      .createQueryBuilder('r')
      .innerJoin(CollectionItem, 'ci', 'ci.resourceId = r.id AND ci.collectionId = :cid', { cid: id })
      .where(visible.sql, visible.params)
      .orderBy('ci.position', 'ASC')
      .addOrderBy('ci.addedAt', 'ASC')
      .getMany();
  }

  private async manageable(actor: Principal, id: string): Promise<Collection> {
    const collection = await this.viewable(actor, id);
    if (!this.access.canManage(actor, collection)) throw new DomainException('COLLECTION_ACCESS_DENIED');
    return collection;
  }

  private assertVisibilityAllowed(actor: Principal, visibility: ResourceVisibility): void {
    if (visibility === 'city' && !CITY_CURATORS.includes(actor.role)) throw new DomainException('COLLECTION_VISIBILITY_NOT_ALLOWED');
  }

  /**
   * The collection's items in order, after taking the collection's row lock (MySQL/MariaDB), so concurrent edits
   * of one collection take turns; SQLite transactions take turns already (@app/database).
   */
  private async lockedItems(m: EntityManager, id: string): Promise<CollectionItem[]> {
    if (m.connection.options.type !== 'better-sqlite3') {
      await m.createQueryBuilder(Collection, 'c').select('c.id').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
    }
    return m.find(CollectionItem, { where: { collectionId: id }, order: { position: 'ASC', addedAt: 'ASC' } });
  }

  /** Stores positions 1..n for `ordered`, writing only the rows whose position changed. */
  private async renumber(m: EntityManager, ordered: CollectionItem[], skip?: CollectionItem): Promise<void> {
    for (const [i, item] of ordered.entries()) {
      if (item === skip || item.position === i + 1) continue;
      item.position = i + 1;
      await m.update(CollectionItem, { id: item.id }, { position: i + 1 });
    }
  }

  private async detail(actor: Principal, collection: Collection): Promise<CollectionDetailView> {
    const visible = await this.access.visibleResourceFilter(actor, 'r');
    const rows = await this.items
      .createQueryBuilder('ci')
      .innerJoin(Resource, 'r', 'r.id = ci.resourceId')
      .where('ci.collectionId = :cid', { cid: collection.id })
      .andWhere(visible.sql, visible.params)
      .orderBy('ci.position', 'ASC')
      .addOrderBy('ci.addedAt', 'ASC')
      .getMany();
    const [view] = await this.views(actor, [collection], new Map([[collection.id, rows.length]]));
    const summaries = await this.summaries.forIds(actor, rows.map((r) => r.resourceId));
    const byId = new Map(summaries.map((s) => [s.id, s]));
    return {
      ...view,
      items: rows
        .filter((r) => byId.has(r.resourceId))
        .map((r, i) => ({ position: i + 1, note: r.note, addedAt: r.addedAt, resource: byId.get(r.resourceId)! })),
    };
  }

  /** List views; item counts are of the items the caller can see. */
  private async views(actor: Principal, rows: Collection[], counts?: Map<string, number>): Promise<CollectionView[]> {
    if (!rows.length) return [];
    if (!counts) {
      counts = new Map();
      const visible = await this.access.visibleResourceFilter(actor, 'r');
      const raw = await this.items
        .createQueryBuilder('ci')
        .innerJoin(Resource, 'r', 'r.id = ci.resourceId')
        .select('ci.collectionId', 'collectionId')
        .addSelect('COUNT(*)', 'n')
        .where('ci.collectionId IN (:...cids)', { cids: rows.map((c) => c.id) })
        .andWhere(visible.sql, visible.params)
        .groupBy('ci.collectionId')
        .getRawMany<{ collectionId: string; n: string | number }>();
      for (const r of raw) counts.set(r.collectionId, Number(r.n));
    }
    const [orgs, users] = await Promise.all([
      this.organizations.find({ where: { id: In([...new Set(rows.map((c) => c.organizationId))]) }, select: { id: true, name: true } }),
      this.users.find({ where: { id: In([...new Set(rows.map((c) => c.uploaderId))]) }, select: { id: true, name: true } }),
    ]);
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const userName = new Map(users.map((u) => [u.id, u.name]));
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      visibility: c.visibility,
      status: c.status,
      organizationId: c.organizationId,
      organizationName: orgName.get(c.organizationId) ?? null,
      createdById: c.uploaderId,
      createdByName: userName.get(c.uploaderId) ?? null,
      itemCount: counts!.get(c.id) ?? 0,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      permissions: { manage: this.access.canManage(actor, c) },
    }));
  }
}
