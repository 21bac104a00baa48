import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, InsertEvent, UpdateEvent } from 'typeorm';
import { Resource } from '../resource.entity';
import { INDEXED_FIELDS, ResourceSearchIndexer, SearchableResource } from './resource-search.indexer';

/**
 * Keeps the search index in step with resources without the library core calling search: a TypeORM subscriber on
 * Resource re-indexes a resource in the same transaction that creates it or changes its title, description,
 * chapter, tags (or subject, grade, type: the filter copy) through `save()` (which is how ResourcesService writes them). Deleting a resource removes its
 * index rows by foreign key. A write that bypasses entity events with text changes (a query-builder update, raw
 * SQL) is logged here and caught by the daily reconcile job (ResourceSearchService.reconcile).
 */
@Injectable()
export class ResourceSearchSubscriber implements EntitySubscriberInterface<Resource> {
  private readonly logger = new Logger(ResourceSearchSubscriber.name);

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly indexer: ResourceSearchIndexer,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo() {
    return Resource;
  }

  async afterInsert(event: InsertEvent<Resource>): Promise<void> {
    const r = event.entity as Partial<Resource> | undefined;
    if (!r?.id || typeof r.title !== 'string' || !(r.createdAt instanceof Date)) {
      this.logger.warn('a resource was inserted without its id, title or createdAt in the event; the reconcile job will index it');
      return;
    }
    await this.indexer.index(event.manager, [r as SearchableResource]);
  }

  async afterUpdate(event: UpdateEvent<Resource>): Promise<void> {
    const changed = event.entity as Partial<Resource> | undefined;
    if (!changed) return;
    if (!changed.id) {
      // A query-builder update: TypeORM passes only the values set, without the row's id.
      if (INDEXED_FIELDS.some((f) => f in changed)) {
        this.logger.warn('resource text changed by a bulk update; the reconcile job will re-index it');
      }
      return;
    }
    if (!event.updatedColumns.some((c) => INDEXED_FIELDS.includes(c.propertyName))) return;
    // save() of a partial object: fill what it lacks from the row as loaded before the update.
    const full = { ...(event.databaseEntity ?? {}), ...changed } as SearchableResource;
    await this.indexer.index(event.manager, [full]);
  }
}
