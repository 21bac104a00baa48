import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { Resource } from '../resource.entity';
import { ResourceSearchDoc } from './resource-search-doc.entity';
import { ResourceSearchTerm } from './resource-search-term.entity';
import { documentTerms } from './search-terms';

/** The fields of a resource whose text search reads; a change to any of them re-indexes the resource. */
export const SEARCHED_FIELDS = ['title', 'description', 'chapter', 'tags'] as const;
/** The filter values the index keeps a copy of (ResourceSearchDoc); a change to one updates the copy. */
export const FACET_FIELDS = ['subject', 'grade', 'type'] as const;
/** Every field whose change the index must follow. */
export const INDEXED_FIELDS: readonly string[] = [...SEARCHED_FIELDS, ...FACET_FIELDS];
export type SearchableResource = Pick<Resource, 'id' | 'createdAt' | (typeof SEARCHED_FIELDS)[number] | (typeof FACET_FIELDS)[number]>;

function facetsOf(r: SearchableResource): Pick<ResourceSearchDoc, (typeof FACET_FIELDS)[number]> {
  return { subject: r.subject, grade: r.grade, type: r.type };
}

function facetsDiffer(doc: ResourceSearchDoc, r: SearchableResource): boolean {
  return FACET_FIELDS.some((f) => doc[f] !== r[f]);
}

/** Title, description, chapter and each tag as separate texts (bigrams never join two of them). */
export function searchTexts(r: Pick<SearchableResource, (typeof SEARCHED_FIELDS)[number]>): string[] {
  return [r.title, r.description ?? '', r.chapter ?? '', ...(r.tags ?? [])];
}

export function searchFingerprint(r: Pick<SearchableResource, (typeof SEARCHED_FIELDS)[number]>): string {
  return createHash('sha1').update(JSON.stringify(searchTexts(r))).digest('hex');
}

/** Rows per multi-row INSERT: 2 parameters a row stays far below SQLite's and MySQL's placeholder limits. */
const TERM_ROWS_PER_INSERT = 2000;
const IDS_PER_QUERY = 500;

/**
 * Writes the search index (resource_search_docs + resource_search_terms) for resources, with the caller's entity
 * manager so the index changes in the same transaction as the resource. Resources whose indexed text is unchanged
 * (same fingerprint) are skipped, so re-running is cheap and safe.
 */
@Injectable()
export class ResourceSearchIndexer {
  /** Indexes `resources` (new or changed ones); returns how many were (re)indexed. */
  async index(manager: EntityManager, resources: readonly SearchableResource[], options: { force?: boolean } = {}): Promise<number> {
    if (!resources.length) return 0;
    const existing = new Map<string, ResourceSearchDoc>();
    for (let i = 0; i < resources.length; i += IDS_PER_QUERY) {
      const ids = resources.slice(i, i + IDS_PER_QUERY).map((r) => r.id);
      for (const doc of await manager.find(ResourceSearchDoc, { where: { resourceId: In(ids) } })) existing.set(doc.resourceId, doc);
    }
    const stale: { doc: ResourceSearchDoc; resource: SearchableResource; fingerprint: string }[] = [];
    const fresh: { resource: SearchableResource; fingerprint: string }[] = [];
    const refiled: { doc: ResourceSearchDoc; resource: SearchableResource }[] = [];
    for (const resource of resources) {
      const fingerprint = searchFingerprint(resource);
      const doc = existing.get(resource.id);
      if (!doc) fresh.push({ resource, fingerprint });
      else if (options.force || doc.fingerprint !== fingerprint) stale.push({ doc, resource, fingerprint });
      else if (facetsDiffer(doc, resource)) refiled.push({ doc, resource });
    }
    // Only a filter value changed: the terms stay, the copy is updated.
    for (const { doc, resource } of refiled) await manager.update(ResourceSearchDoc, { docId: doc.docId }, facetsOf(resource));
    if (!stale.length && !fresh.length) return refiled.length;

    const toWrite: { docId: number; resource: SearchableResource }[] = [];
    for (const { doc, resource, fingerprint } of stale) {
      await manager.delete(ResourceSearchTerm, { docId: doc.docId });
      await manager.update(ResourceSearchDoc, { docId: doc.docId }, { fingerprint, ...facetsOf(resource) });
      toWrite.push({ docId: doc.docId, resource });
    }
    for (let i = 0; i < fresh.length; i += IDS_PER_QUERY) {
      const chunk = fresh.slice(i, i + IDS_PER_QUERY);
      await manager
        .createQueryBuilder()
        .insert()
        .into(ResourceSearchDoc)
        .values(chunk.map(({ resource, fingerprint }) => ({ resourceId: resource.id, fingerprint, ...facetsOf(resource) })))
        .updateEntity(false)
        .execute();
      const docs = await manager.find(ResourceSearchDoc, { where: { resourceId: In(chunk.map((c) => c.resource.id)) }, select: { docId: true, resourceId: true } });
      const docIds = new Map(docs.map((d) => [d.resourceId, d.docId]));
      for (const { resource } of chunk) toWrite.push({ docId: docIds.get(resource.id)!, resource });
    }
    await this.insertTerms(manager, toWrite);
    return toWrite.length + refiled.length;
  }

  private async insertTerms(manager: EntityManager, docs: { docId: number; resource: SearchableResource }[]): Promise<void> {
    let rows: { term: string; resourceCreatedAt: Date; docId: number }[] = [];
    const flush = async () => {
      if (!rows.length) return;
      await manager.createQueryBuilder().insert().into(ResourceSearchTerm).values(rows).updateEntity(false).execute();
      rows = [];
    };
    for (const { docId, resource } of docs) {
      for (const term of documentTerms(searchTexts(resource))) {
        rows.push({ term, resourceCreatedAt: resource.createdAt, docId });
        if (rows.length >= TERM_ROWS_PER_INSERT) await flush();
      }
    }
    await flush();
  }
}
