import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Resource } from '../resource.entity';

/**
 * A resource as the search index knows it: a small integer `docId` the term rows point at (a 36-character UUID in
 * each of the ~60 term rows of a resource would make the index three to four times larger), and the fingerprint of
 * the text that was indexed, so unchanged text is not indexed again and the reconcile job can find stale rows.
 * The foreign keys remove the doc, and with it its terms, when the resource is deleted.
 */
@Entity('resource_search_docs')
export class ResourceSearchDoc {
  @PrimaryGeneratedColumn({ type: 'int' })
  docId: number;

  @Index('uq_search_doc_resource', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resourceId' })
  resource?: Resource;

  /** SHA-1 (hex) of the indexed title, description and tags; see searchFingerprint. */
  @Column({ type: 'varchar', length: 40 })
  fingerprint: string;
}
