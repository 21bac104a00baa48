import { UuidEntity } from '@app/platform';
import { BeforeInsert, BeforeUpdate, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import type { ResourceVisibility } from '../resource.entity';

/** draft: only its managers see it while it is being put together; published: visible as `visibility` says. */
export const COLLECTION_STATUSES = ['draft', 'published'] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

/**
 * A collection (专题资源包): a curated, ordered set of library resources on one theme, e.g. 高考数学二轮复习 or
 * 新教材大单元教学设计. It holds references only: every item is still shown to a viewer only when that viewer may
 * see the resource itself.
 *
 * The owner, creator, visibility and status columns carry the same names and meanings as a resource's
 * (`uploaderId` is the user who created the collection), so the library's one visibility condition
 * (resource-rules.ts `visibilityCondition` / `canViewResource`) decides who sees a collection too.
 */
@Entity('resource_collections')
@Index('idx_collection_status_created', ['status', 'createdAt'])
@Index('idx_collection_org', ['organizationId', 'status'])
@Index('idx_collection_uploader', ['uploaderId'])
export class Collection extends UuidEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /** The owner's county (as on a resource), so a county coordinator manages its schools' collections. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerCountyId: string | null;

  /** The user who created the collection. */
  @Column({ type: 'varchar', length: 36 })
  uploaderId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaderId' })
  uploader?: User;

  @Column({ type: 'varchar', length: 12 })
  visibility: ResourceVisibility;

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
