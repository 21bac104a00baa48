import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/** Present when a moderator locked a session's minutes: further edits are refused (LIVE_MINUTES_LOCKED). */
@Entity('live_minutes_locks')
@Index('uq_live_minutes_lock', ['sessionId'], { unique: true })
export class LiveMinutesLock extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  lockedByUserId: string;

  @Column({ type: 'datetime', precision: 3 })
  lockedAt: Date;
}
