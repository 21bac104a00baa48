import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/** A raised hand in a live room. One row per person and session (a second raise keeps the first one's place). */
@Entity('live_hands')
@Index('uq_live_hand', ['sessionId', 'userId'], { unique: true })
export class LiveHand extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** UTC, millisecond precision: the queue order. */
  @Column({ type: 'datetime', precision: 3 })
  raisedAt: Date;
}
