import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { PLATFORM_TIME_ZONE, Principal } from '@app/platform';
import { JobInfo, JobQueue, OnJob } from '@app/queue';
import { Resource } from '../resource.entity';
import { ResourceAccessService } from '../resource-access.service';
import { ResourceSearchIndexer } from './resource-search.indexer';
import { ResourceSearchRepository } from './resource-search.repository';
import { ResourceSearchPage, SearchResourcesQuery } from './resource-search.dto';
import { toSummaryView } from './resource-summaries';
import { decodeCursor, encodeCursor } from './search-cursor';
import { queryTokens } from './search-terms';
import { SEARCH_RECONCILE_CRON, SEARCH_RECONCILE_KEY, searchReconcile } from './jobs/search-reconcile.job';

export const SEARCH_DEFAULT_LIMIT = 20;
const RECONCILE_BATCH = 500;

export interface ReconcileResult {
  checked: number;
  indexed: number;
}

/** Search and browse over the library (item 7), and the upkeep of its index. */
@Injectable()
export class ResourceSearchService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ResourceSearchService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ResourceAccessService,
    private readonly repository: ResourceSearchRepository,
    private readonly indexer: ResourceSearchIndexer,
    private readonly queue: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.schedule(
      searchReconcile,
      { trigger: 'schedule' },
      { cron: SEARCH_RECONCILE_CRON, tz: PLATFORM_TIME_ZONE, key: SEARCH_RECONCILE_KEY, attempts: 3, backoff: { type: 'exponential', delayMs: 60_000 } },
    );
  }

  /**
   * One page of the resources the principal may see that match the keywords and filters, newest or most
   * downloaded first. Visibility comes from ResourceAccessService, the same rule as get and download.
   */
  async search(principal: Principal, query: SearchResourcesQuery): Promise<ResourceSearchPage> {
    const sort = query.sort ?? 'newest';
    const limit = query.limit ?? SEARCH_DEFAULT_LIMIT;
    const after = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
    const rows = await this.repository.findWithSummaries({
      visibility: await this.access.visibleResourceFilter(principal, 'r'),
      tokens: query.q ? queryTokens(query.q) : [],
      status: query.status ?? 'published',
      subject: query.subject,
      grade: query.grade,
      type: query.type,
      edition: query.edition,
      organizationId: query.organizationId,
      sort,
      after,
      limit: limit + 1,
    }, principal.userId);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1]?.hit;
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({ sort, value: sort === 'newest' ? last.createdAt.getTime() : last.downloadCount, id: last.id, doc: last.docId })
        : null;
    return { items: page.map((row) => toSummaryView(row.summary)), nextCursor };
  }

  /** Queues a reconcile run now (city coordinators, e.g. after a bulk import done outside the api). */
  requestReconcile(force = false): Promise<JobInfo<{ trigger: 'schedule' | 'manual'; force?: boolean }>> {
    return this.queue.enqueue(searchReconcile, { trigger: 'manual', force }, { attempts: 3, backoff: { type: 'exponential', delayMs: 60_000 } });
  }

  @OnJob(searchReconcile)
  async onReconcile(data: { trigger: 'schedule' | 'manual'; force?: boolean }): Promise<void> {
    const result = await this.reconcile({ force: data.force });
    this.logger.log(`search index reconcile (${data.trigger}): ${result.checked} resources checked, ${result.indexed} (re)indexed`);
  }

  /**
   * Walks every resource in id order, in batches, each in its own transaction, and indexes those whose index rows
   * are missing or stale (fingerprint differs). `force` rewrites them all (e.g. after a change to the tokenizer).
   */
  async reconcile(options: { force?: boolean } = {}): Promise<ReconcileResult> {
    const repo = this.dataSource.getRepository(Resource);
    let afterId = '';
    let checked = 0;
    let indexed = 0;
    for (;;) {
      const batch = await repo.find({
        where: afterId ? { id: MoreThan(afterId) } : {},
        select: { id: true, title: true, description: true, chapter: true, tags: true, createdAt: true, subject: true, grade: true, type: true },
        order: { id: 'ASC' },
        take: RECONCILE_BATCH,
      });
      if (!batch.length) break;
      try {
        indexed += await this.dataSource.transaction((m) => this.indexer.index(m, batch, options));
      } catch (err) {
        // e.g. a resource of the batch deleted meanwhile (foreign key): index the rest one by one.
        this.logger.warn(`search reconcile batch failed (${(err as Error).message}); retrying its resources one by one`);
        for (const resource of batch) {
          indexed += await this.dataSource.transaction((m) => this.indexer.index(m, [resource], options)).catch((e) => {
            this.logger.warn(`search reconcile skipped resource ${resource.id}: ${(e as Error).message}`);
            return 0;
          });
        }
      }
      checked += batch.length;
      afterId = batch[batch.length - 1].id;
    }
    return { checked, indexed };
  }
}
