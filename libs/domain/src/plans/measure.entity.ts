import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { Plan } from './plan.entity';

export const MEASURE_STATUSES = ['not_started', 'in_progress', 'done', 'blocked'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/**
 * The sign-off of closing a measure: none asked yet, pending (the school asked to close it with evidence),
 * approved (a county or city coordinator signed it off; status is done) or rejected (sent back with a reason).
 */
export const REVIEW_STATES = ['none', 'pending', 'approved', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/**
 * One measure of a plan: what is to be done, which unit leads (牵头单位) and which cooperate (配合单位), by when.
 * Whether it is overdue is derived (dueDate before today in Asia/Shanghai and not done), never stored.
 */
@Entity('measures')
@Index('idx_measure_plan', ['planId', 'sortOrder'])
@Index('idx_measure_school', ['schoolId'])
@Index('idx_measure_status_due', ['status', 'dueDate'])
@Index('idx_measure_lead_unit', ['leadUnitId'])
export class Measure extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  planId: string;

  @ManyToOne(() => Plan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'planId' })
  plan?: Plan;

  /** The plan's school, copied so scope checks and roll-ups need no join (a plan never changes school). */
  @Column({ type: 'varchar', length: 36 })
  schoolId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 36 })
  leadUnitId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'leadUnitId' })
  leadUnit?: Organization;

  /** Cooperating organizations in the order given (any kind, government units included). */
  @Column({ type: 'simple-json' })
  cooperatingUnitIds: string[];

  /** Linked IndicatorDefinition ids. */
  @Column({ type: 'simple-json' })
  indicatorIds: string[];

  /** Optional start (YYYY-MM-DD); never after the due date. */
  @Column({ type: 'date', nullable: true })
  startDate: string | null;

  /** Calendar day in Asia/Shanghai (YYYY-MM-DD). */
  @Column({ type: 'date' })
  dueDate: string;

  @Column({ type: 'varchar', length: 12, default: 'not_started' })
  status: MeasureStatus;

  @Column({ type: 'varchar', length: 10, default: 'none' })
  reviewState: ReviewState;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  closeRequestedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  closeRequestedById: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  reviewedById: string | null;

  /** The reason of the latest rejection, kept for the school to act on (the full history is in the updates). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;

  /** When a coordinator approved closing it (status done). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ type: 'int', default: 0 })
  sortOrder: number;

  @Column({ type: 'varchar', length: 36 })
  createdById: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
