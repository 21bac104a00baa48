import { Injectable, Logger } from '@nestjs/common';

/** A user of `organizationId` downloaded (or was redirected to) a version of a resource. */
export interface ResourceDownloadedEvent {
  resourceId: string;
  versionId: string;
  userId: string;
  organizationId: string;
  at: Date;
}

/** A user opened a resource's detail (GET /resources/:id). */
export interface ResourceViewedEvent {
  resourceId: string;
  userId: string;
  organizationId: string;
  at: Date;
}

/**
 * A resource was created, its metadata edited, its status changed (processing, review) or it was deleted. Lets a
 * context that keeps derived data (the search index) follow without polling. Emitted after the change committed.
 */
export interface ResourceChangedEvent {
  resourceId: string;
  change: 'created' | 'updated' | 'status' | 'deleted';
  at: Date;
}

type Listener<E> = (event: E) => unknown | Promise<unknown>;

/**
 * A small in-process port other contexts (pushes receipts) hook into, so the download path does not depend on
 * them. Listeners run after the access check and are awaited (a receipt exists once the request has answered);
 * a failing listener is logged and never fails the download.
 */
@Injectable()
export class ResourceEvents {
  private readonly logger = new Logger(ResourceEvents.name);
  private readonly downloaded: Listener<ResourceDownloadedEvent>[] = [];
  private readonly viewed: Listener<ResourceViewedEvent>[] = [];
  private readonly changed: Listener<ResourceChangedEvent>[] = [];

  onDownloaded(listener: Listener<ResourceDownloadedEvent>): void {
    this.downloaded.push(listener);
  }

  onViewed(listener: Listener<ResourceViewedEvent>): void {
    this.viewed.push(listener);
  }

  onChanged(listener: Listener<ResourceChangedEvent>): void {
    this.changed.push(listener);
  }

  async emitChanged(resourceId: string, change: ResourceChangedEvent['change']): Promise<void> {
    await this.run('changed', this.changed, { resourceId, change, at: new Date() });
  }

  async emitDownloaded(event: ResourceDownloadedEvent): Promise<void> {
    await this.run('downloaded', this.downloaded, event);
  }

  async emitViewed(event: ResourceViewedEvent): Promise<void> {
    await this.run('viewed', this.viewed, event);
  }

  private async run<E>(name: string, listeners: Listener<E>[], event: E): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.logger.warn(`resource ${name} listener failed: ${(err as Error).message}`);
      }
    }
  }
}
