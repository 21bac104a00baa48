import { BeforeInsert, BeforeUpdate, Column, Entity, Index } from 'typeorm';
import { OwnedLibraryItem } from '../owned-library-item';

/** draft: only its managers see it while it is being put together; published: visible as `visibility` says. */
export const COLLECTION_STATUSES = ['draft', 'published'] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

/**
 * A collection (专题资源包): a curated, ordered set of library resources on one theme, e.g. 高考数学二轮复习 or
 * 新教材大单元教学设计. It holds references only: every item is still shown to a viewer only when that viewer may
 * see the resource itself.
 *
 * Its owner, creator and visibility are a resource's (OwnedLibraryItem), and its status column has the same name and
 * meaning, so the library's one visibility condition decides who sees a collection too.
 */
@Entity('resource_collections')
@Index('idx_collection_status_created', ['status', 'createdAt'])
@Index('idx_collection_org', ['organizationId', 'status'])
@Index('idx_collection_uploader', ['uploaderId'])
export class Collection extends OwnedLibraryItem {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 12, default: 'published' })
  status: CollectionStatus;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;

  @BeforeInsert()
  protected stampCreated(): void {
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected stampUpdated(): void {
    this.updatedAt = new Date();
  }
}
