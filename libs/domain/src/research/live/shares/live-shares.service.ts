import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { apiPath, Principal } from '@app/platform';
import { ResourceAccessService } from '../../../resources/resource-access.service';
import type { ResourceSharedEvent } from '../live-collab.events';
import { LiveCollabParticipants } from '../live-collab-participants';
import { LiveSharedResource } from './live-shared-resource.entity';

/**
 * Sharing a library resource with a live room (共享资源). The sharer must be allowed to see the resource
 * (ResourceAccessService: an invisible or unknown id is RESOURCE_NOT_FOUND); the room gets its title, type and
 * links, and each receiver's open / download goes through the resource endpoints' own access checks.
 */
@Injectable()
export class LiveSharesService {
  constructor(
    @InjectRepository(LiveSharedResource) private readonly shares: Repository<LiveSharedResource>,
    private readonly access: ResourceAccessService,
    private readonly participants: LiveCollabParticipants,
  ) {}

  async share(principal: Principal, sessionId: string, resourceId: string): Promise<ResourceSharedEvent> {
    const resource = await this.access.viewable(principal, resourceId);
    const row = await this.shares.save(
      this.shares.create({ sessionId, resourceId: resource.id, title: resource.title, type: resource.type, sharedByUserId: principal.userId, sharedAt: new Date() }),
    );
    return (await this.toEvents([row]))[0];
  }

  async forSession(sessionId: string): Promise<ResourceSharedEvent[]> {
    return this.toEvents(await this.shares.find({ where: { sessionId }, order: { sharedAt: 'ASC', id: 'ASC' } }));
  }

  private async toEvents(rows: LiveSharedResource[]): Promise<ResourceSharedEvent[]> {
    const people = await this.participants.describe(rows.map((r) => r.sharedByUserId));
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      resource: { id: r.resourceId, title: r.title, type: r.type },
      link: `/${apiPath('resources')}/${r.resourceId}`,
      downloadLink: `/${apiPath('resources')}/${r.resourceId}/download`,
      sharedBy: people.get(r.sharedByUserId)!,
      sharedAt: r.sharedAt.toISOString(),
    }));
  }
}
