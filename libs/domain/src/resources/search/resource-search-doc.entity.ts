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

  /**
   * The resource's filter values, copied here so a keyword walk over term rows can drop the rows of other subjects,
   * grades or types at this small, cached table instead of reading each resource row (a filtered search walked
   * ~1,800 term rows with a resource lookup each: 12-15 ms at 100,000 resources). The resource's own columns stay
   * the authority: the search checks both, so a copy that lags can hide a row but never show a wrong one.
   */
  @Column({ type: 'varchar', length: 10, default: '' })
  subject: string;

  @Column({ type: 'varchar', length: 4, default: '' })
  grade: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  type: string;
}
