import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { LivePoll } from './live-poll.entity';

/**
 * One vote. The unique index (pollId, userId, choiceKey) is what enforces one vote per person across api
 * instances: choiceKey is -1 for a single-choice poll and the option index for a multiple-choice one (poll-rules.ts).
 */
@Entity('live_poll_votes')
@Index('uq_live_poll_vote', ['pollId', 'userId', 'choiceKey'], { unique: true })
export class LivePollVote extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  pollId: string;

  @ManyToOne(() => LivePoll, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pollId' })
  poll?: LivePoll;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'smallint' })
  optionIndex: number;

  @Column({ type: 'smallint' })
  choiceKey: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
