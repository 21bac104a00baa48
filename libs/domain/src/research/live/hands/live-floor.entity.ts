import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/** Who has the floor (发言人) in a live room: at most one row per session, set when a moderator gives the floor. */
@Entity('live_floors')
@Index('uq_live_floor_session', ['sessionId'], { unique: true })
export class LiveFloor extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 36 })
  givenByUserId: string;

  @Column({ type: 'datetime', precision: 3 })
  since: Date;
}
