import { UuidEntity } from '@app/platform';
import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import type { ResourceVisibility } from './resource.entity';

/**
 * Owner, creator and visibility of a library item (a resource or a collection): the same columns with the same
 * meanings on both, so the library's one visibility condition (resource-rules.ts `visibilityCondition` /
 * `canViewResource`) decides who sees either.
 */
export abstract class OwnedLibraryItem extends UuidEntity {
  /** Owner organization (the uploader's school or unit). */
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /**
   * The owner's county (a school's countyId, or the county organization itself); null for city-level units. A
   * county coordinator manages its schools' items through it.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerCountyId: string | null;

  /** The user who uploaded the resource or created the collection. */
  @Column({ type: 'varchar', length: 36 })
  uploaderId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaderId' })
  uploader?: User;

  @Column({ type: 'varchar', length: 12 })
  visibility: ResourceVisibility;
}
