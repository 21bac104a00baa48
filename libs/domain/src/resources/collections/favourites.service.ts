import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal, isUniqueViolation } from '@app/platform';
import { Resource } from '../resource.entity';
import { ResourceAccessService } from '../resource-access.service';
import { ResourceSummaries } from '../search/resource-summaries';
import { decodeCursor, encodeCursor } from '../search/search-cursor';
import { Favourite } from './favourite.entity';
import { FAVOURITES_MAX_LIMIT, FavouritePage, ListFavouritesQuery } from './collections.dto';

/** A user's favourites (收藏): any resource they may see; the list shows only those they still may see. */
@Injectable()
export class FavouritesService {
  constructor(
    @InjectRepository(Favourite) private readonly favourites: Repository<Favourite>,
    private readonly access: ResourceAccessService,
    private readonly summaries: ResourceSummaries,
  ) {}

  /** Idempotent: favouriting again keeps the first time. Unknown or invisible resources: RESOURCE_NOT_FOUND. */
  async add(actor: Principal, resourceId: string): Promise<{ resourceId: string; favouritedAt: Date }> {
    const resource = await this.access.viewable(actor, resourceId);
    const existing = await this.favourites.findOne({ where: { userId: actor.userId, resourceId: resource.id } });
    if (existing) return { resourceId: resource.id, favouritedAt: existing.createdAt };
    try {
      const saved = await this.favourites.save(this.favourites.create({ userId: actor.userId, resourceId: resource.id, createdAt: new Date() }));
      return { resourceId: resource.id, favouritedAt: saved.createdAt };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // a second request of the same user got there first
      const winner = await this.favourites.findOneOrFail({ where: { userId: actor.userId, resourceId: resource.id } });
      return { resourceId: resource.id, favouritedAt: winner.createdAt };
    }
  }

  /** Idempotent; works even when the resource is no longer visible to the user. */
  async remove(actor: Principal, resourceId: string): Promise<void> {
    await this.favourites.delete({ userId: actor.userId, resourceId });
  }

  /** Most recently favourited first, keyset-paged. */
  async list(actor: Principal, query: ListFavouritesQuery): Promise<FavouritePage> {
    const limit = Math.min(query.limit ?? 20, FAVOURITES_MAX_LIMIT);
    const visible = await this.access.visibleResourceFilter(actor, 'r');
    const qb = this.favourites
      .createQueryBuilder('f')
      .innerJoin(Resource, 'r', 'r.id = f.resourceId')
      .where('f.userId = :uid', { uid: actor.userId })
      .andWhere(visible.sql, visible.params);
    if (query.cursor) {
      const after = decodeCursor(query.cursor, 'newest');
      qb.andWhere('(f.createdAt < :after OR (f.createdAt = :after AND f.id < :afterId))', { after: new Date(after.value), afterId: after.id });
    }
    const rows = await qb.orderBy('f.createdAt', 'DESC').addOrderBy('f.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const summaries = await this.summaries.forIds(actor, page.map((f) => f.resourceId));
    const byId = new Map(summaries.map((s) => [s.id, s]));
    const last = page[page.length - 1];
    return {
      items: page.filter((f) => byId.has(f.resourceId)).map((f) => ({ favouritedAt: f.createdAt, resource: byId.get(f.resourceId)! })),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'newest', value: last.createdAt.getTime(), id: last.id }) : null,
    };
  }
}
