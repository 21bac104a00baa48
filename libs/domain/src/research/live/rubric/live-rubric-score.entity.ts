import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

/** One observer's scorecard (评课表) for a session, by the default rubric (rubric.ts); updatable. */
@Entity('live_rubric_scores')
@Index('uq_live_rubric_score', ['sessionId', 'userId'], { unique: true })
export class LiveRubricScore extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** criterion key -> integer 1..10. */
  @Column({ type: 'simple-json' })
  scores: Record<string, number>;

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment: string | null;

  /** Set by the service with milliseconds (SQLite's column default has only seconds). */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
