import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/**
 * One stretch of a person's presence in a research session's live room: opened on their first socket's join,
 * closed when their last socket leaves. `openMarker` is 1 while open and null once closed; the unique index on
 * (sessionId, userId, openMarker) lets at most one open interval exist per person and session (NULLs never
 * collide on SQLite or MariaDB), so two api instances racing to open one cannot both succeed.
 */
@Entity('attendance_intervals')
@Index('uq_attendance_open', ['sessionId', 'userId', 'openMarker'], { unique: true })
@Index('idx_attendance_session', ['sessionId', 'joinedAt'])
export class AttendanceInterval extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** The person's organization when they joined (their school, for the summary and the training record). */
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ type: 'datetime', precision: 3 })
  joinedAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  leftAt: Date | null;

  @Column({ type: 'tinyint', nullable: true })
  openMarker: number | null;
}
