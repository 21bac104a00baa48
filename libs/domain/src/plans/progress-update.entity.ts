import { UuidEntity } from '@app/platform';
import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Measure, MeasureStatus } from './measure.entity';

/**
 * progress: the school (or a coordinator) reports progress, possibly changing the status;
 * comment: a remark without any status change (what a partnership's mentor may post);
 * close_request: progress that also asks a coordinator to sign the measure off;
 * approved / rejected: the coordinator's decision, the reason in `text`.
 */
export const UPDATE_KINDS = ['progress', 'comment', 'close_request', 'approved', 'rejected'] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

/** One entry of a measure's timeline. */
@Entity('measure_updates')
@Index('idx_measure_update_measure', ['measureId', 'createdAt'])
export class ProgressUpdate extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  measureId: string;

  @ManyToOne(() => Measure, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'measureId' })
  measure?: Measure;

  @Column({ type: 'varchar', length: 16 })
  kind: UpdateKind;

  @Column({ type: 'varchar', length: 4000 })
  text: string;

  /** Status before and after, when this entry changed it. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  statusFrom: MeasureStatus | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  statusTo: MeasureStatus | null;

  @Column({ type: 'varchar', length: 36 })
  authorId: string;

  /** The author's role and organization when they wrote it (roles can change later). */
  @Column({ type: 'varchar', length: 20 })
  authorRole: string;

  @Column({ type: 'varchar', length: 36 })
  authorOrganizationId: string;

  /**
   * Set by the application with millisecond precision so a timeline keeps its order within a second (a plain
   * CreateDateColumn is whole seconds on MySQL, and TypeORM's precise default differs between the dialects).
   */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampCreatedAt(): void {
    this.createdAt ??= new Date();
  }
}
