import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Push } from './push.entity';

/**
 * One resource of a push, in the order pushed. No foreign key to resources: the push history outlives a deleted
 * resource, and the title is kept so the inbox can still name it.
 */
@Entity('resource_push_items')
@Index('uq_push_item', ['pushId', 'resourceId'], { unique: true })
@Index('idx_push_item_resource', ['resourceId'])
export class PushItem extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  pushId: string;

  @ManyToOne(() => Push, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pushId' })
  push?: Push;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'int' })
  position: number;

  /** The resource's title when pushed. */
  @Column({ type: 'varchar', length: 200 })
  title: string;
}
