import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Resource } from '../resource.entity';
import { User } from '../../accounts/user.entity';

/** A user's favourite (收藏) resource. Removed with the resource or the user. */
@Entity('resource_favourites')
@Index('uq_favourite_user_resource', ['userId', 'resourceId'], { unique: true })
@Index('idx_favourite_user_created', ['userId', 'createdAt'])
@Index('idx_favourite_resource', ['resourceId'])
export class Favourite extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resourceId' })
  resource?: Resource;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
