import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';

export type LivePollStatus = 'open' | 'closed';

/** A poll (投票) a moderator opened in a live room; it stays with the session after the end (record export). */
@Entity('live_polls')
@Index('idx_live_poll_session', ['sessionId', 'createdAt'])
export class LivePoll extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 200 })
  question: string;

  /** 2..10 options of up to 100 characters. */
  @Column({ type: 'simple-json' })
  options: string[];

  /** true: a person may pick several options (each once); false: one vote per person. */
  @Column({ type: 'boolean', default: false })
  multiple: boolean;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: LivePollStatus;

  @Column({ type: 'varchar', length: 36 })
  createdByUserId: string;

  /** Set by the service with milliseconds (SQLite's column default has only seconds): polls list in this order. */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;
}
