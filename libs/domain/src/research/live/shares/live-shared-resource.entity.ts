import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/**
 * A library resource shared with everyone in a live room (kept with the session's record). The title and type are
 * a snapshot of what the room was shown; downloading still goes through the resource's own access check.
 */
@Entity('live_shared_resources')
@Index('idx_live_share_session', ['sessionId', 'sharedAt'])
export class LiveSharedResource extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 20 })
  type: string;

  @Column({ type: 'varchar', length: 36 })
  sharedByUserId: string;

  @Column({ type: 'datetime', precision: 3 })
  sharedAt: Date;
}
