import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Resource } from '../resource.entity';
import { Collection } from './collection.entity';

/**
 * One resource in a collection at `position` (1, 2, ...). Deleting the resource takes it out of every collection
 * (foreign key); positions then stay in order with a gap, which is all ordering needs.
 */
@Entity('resource_collection_items')
@Index('uq_collection_item', ['collectionId', 'resourceId'], { unique: true })
@Index('idx_collection_item_position', ['collectionId', 'position'])
@Index('idx_collection_item_resource', ['resourceId'])
export class CollectionItem extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  collectionId: string;

  @ManyToOne(() => Collection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'collectionId' })
  collection?: Collection;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resourceId' })
  resource?: Resource;

  @Column({ type: 'int' })
  position: number;

  /** The curator's note on why this item is here, e.g. 用于第二课时课堂练习. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  note: string | null;

  @Column({ type: 'varchar', length: 36 })
  addedById: string;

  @Column({ type: 'datetime', precision: 3 })
  addedAt: Date;
}
