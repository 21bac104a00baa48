import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Rectification, RectificationStatus } from './rectification.entity';

/**
 * opened: issued by the scan or a coordinator; evidence_submitted: the unit handed in evidence (text in `note`,
 * files linked by eventId); approved / rejected: the coordinator's decision (reason in `note`).
 */
export const RECTIFICATION_EVENT_KINDS = ['opened', 'evidence_submitted', 'approved', 'rejected'] as const;
export type RectificationEventKind = (typeof RECTIFICATION_EVENT_KINDS)[number];

/** One entry of a rectification's history: who did what, when and why. */
@Entity('rectification_events')
@Index('idx_rectification_event', ['rectificationId', 'createdAt'])
@Index('uq_rectification_event_seq', ['rectificationId', 'seq'], { unique: true })
export class RectificationEvent extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  rectificationId: string;

  @ManyToOne(() => Rectification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rectificationId' })
  rectification?: Rectification;

  /** 1, 2, 3 ... within the order: the history's order (timestamps can tie within a second). */
  @Column({ type: 'int' })
  seq: number;

  @Column({ type: 'varchar', length: 20 })
  kind: RectificationEventKind;

  @Column({ type: 'varchar', length: 12, nullable: true })
  statusFrom: RectificationStatus | null;

  @Column({ type: 'varchar', length: 12 })
  statusTo: RectificationStatus;

  /** Evidence text or decision reason. */
  @Column({ type: 'varchar', length: 4000, nullable: true })
  note: string | null;

  /** Null for the supervision scan. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  actorRole: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
