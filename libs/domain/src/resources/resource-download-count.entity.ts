import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/** Downloads of one resource by the users of one organization (downloads are counted per school). */
@Entity('resource_download_counts')
@Index('uq_download_count_resource_org', ['resourceId', 'organizationId'], { unique: true })
@Index('idx_download_count_org', ['organizationId'])
export class ResourceDownloadCount extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ type: 'int', default: 0 })
  count: number;

  @Column({ type: 'datetime', precision: 3 })
  lastDownloadedAt: Date;
}
