import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Push } from './push.entity';

/**
 * The first download of one pushed resource by one target school, so adoption shows how many of a push's
 * resources each school took up, not only whether it downloaded anything.
 */
@Entity('resource_push_downloads')
@Index('uq_push_download', ['pushId', 'organizationId', 'resourceId'], { unique: true })
export class PushDownload extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  pushId: string;

  @ManyToOne(() => Push, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pushId' })
  push?: Push;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'datetime', precision: 3 })
  downloadedAt: Date;
}
