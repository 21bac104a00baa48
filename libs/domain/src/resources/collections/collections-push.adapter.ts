import { Injectable } from '@nestjs/common';
import { Principal } from '@app/platform';
import { PushCollectionContents, PushCollections } from '../pushes/push-collections.port';
import { CollectionsService } from './collections.service';

/** Pushes read a collection through this port: its name and the resources the pusher may see, in order. */
@Injectable()
export class CollectionsPushAdapter extends PushCollections {
  constructor(private readonly collections: CollectionsService) {
    super();
  }

  async contents(principal: Principal, collectionId: string): Promise<PushCollectionContents> {
    const collection = await this.collections.viewable(principal, collectionId);
    return { id: collection.id, name: collection.name, resources: await this.collections.visibleResources(principal, collection.id) };
  }
}
