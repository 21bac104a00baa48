import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/**
 * One stored Yjs update of a session's shared minutes (纪要). Append-only: Yjs updates commute, so api instances
 * write without a lock; loading merges them, and many rows are compacted into a few (each a BLOB, < 64 KiB).
 */
@Entity('live_minutes_updates')
@Index('idx_live_minutes_session', ['sessionId', 'createdAt'])
export class LiveMinutesUpdate extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'blob' })
  update: Buffer;

  /** Who sent it; null for a compacted row. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  /** Set by the service with milliseconds (SQLite's column default has only seconds). */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
