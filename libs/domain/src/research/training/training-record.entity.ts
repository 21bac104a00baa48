import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import type { TrainingLevel } from '../sessions/research-session.entity';
export type TrainingSource = 'session' | 'manual';

const decimalToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * One entry of a teacher's yearly training hours (继续教育学时): either credited by a research session when it
 * was finalised (one per person and session, hence the unique index) or entered by a coordinator.
 */
@Entity('training_records')
@Index('uq_training_session_user', ['sessionId', 'userId'], { unique: true })
@Index('idx_training_user_year', ['userId', 'year'])
@Index('idx_training_org_year', ['organizationId', 'year'])
export class TrainingRecord extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** The person's school at the time of the activity. */
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  /** Asia/Shanghai calendar year of activityDate. */
  @Column({ type: 'int' })
  year: number;

  /** YYYY-MM-DD (Asia/Shanghai). */
  @Column({ type: 'varchar', length: 10 })
  activityDate: string;

  @Column({ type: 'varchar', length: 10 })
  source: TrainingSource;

  @Column({ type: 'varchar', length: 36, nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 20 })
  level: TrainingLevel;

  @Column({ type: 'decimal', precision: 5, scale: 2, transformer: decimalToNumber })
  hours: number;

  @Column({ type: 'int', nullable: true })
  attendedMinutes: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  enteredByUserId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
