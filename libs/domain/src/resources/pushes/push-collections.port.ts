import { Principal } from '@app/platform';
import type { Resource } from '../resource.entity';

/** A collection (专题资源包) as a push takes it: its name and its resources in the collection's order. */
export interface PushCollectionContents {
  id: string;
  name: string;
  resources: Resource[];
}

/**
 * How pushes read a collection, so this folder does not reach into the collections' internals. Implemented by
 * collections-push.adapter.ts over the collections context. Unknown or invisible collections throw that
 * context's not-found error.
 */
export abstract class PushCollections {
  abstract contents(principal: Principal, collectionId: string): Promise<PushCollectionContents>;
}
