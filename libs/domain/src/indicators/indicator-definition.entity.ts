import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';

/** at_least: value >= target is on target; at_most: value <= target; done: a yes/no milestone (value 1 = done). */
export const INDICATOR_DIRECTIONS = ['at_least', 'at_most', 'done'] as const;
export type IndicatorDirection = (typeof INDICATOR_DIRECTIONS)[number];

/** Whose value it is: one per school, per county/district, or one for the whole city. */
export const INDICATOR_LEVELS = ['school', 'county', 'city'] as const;
export type IndicatorLevel = (typeof INDICATOR_LEVELS)[number];

/** by_deadline: reach the target by `deadlineYear`; yearly: every year; ongoing: at all times. */
export const INDICATOR_CADENCES = ['by_deadline', 'yearly', 'ongoing'] as const;
export type IndicatorCadence = (typeof INDICATOR_CADENCES)[number];

/** The figures of SchoolYearStats an indicator can be computed from (see indicator-rules.ts). */
export const COMPUTED_SOURCES = ['students_per_teacher', 'largest_class', 'students', 'per_student_funding'] as const;
export type ComputedSource = (typeof COMPUTED_SOURCES)[number];

const decimalToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/** One indicator of the policy's catalogue (POLICY.md, "Indicators with targets"). */
@Entity('indicator_definitions')
export class IndicatorDefinition extends UuidEntity {
  /** Stable English key, e.g. `teacher_student_ratio`. */
  @Index('uq_indicator_key', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 100 })
  nameZh: string;

  @Column({ type: 'varchar', length: 150 })
  nameEn: string;

  /** Unit the value and target are in, e.g. '%', '人', '元/年', '所'; '' for done/not done. */
  @Column({ type: 'varchar', length: 20 })
  unit: string;

  @Column({ type: 'varchar', length: 10 })
  direction: IndicatorDirection;

  /** Null for 'done' milestones. */
  @Column({ type: 'decimal', precision: 12, scale: 2, nullable: true, transformer: decimalToNumber })
  target: number | null;

  /** The year the target must be reached by; null for yearly/ongoing targets. */
  @Column({ type: 'smallint', nullable: true })
  deadlineYear: number | null;

  @Column({ type: 'varchar', length: 12, default: 'by_deadline' })
  cadence: IndicatorCadence;

  @Column({ type: 'varchar', length: 10 })
  level: IndicatorLevel;

  /** Which SchoolYearStats figure computes the value; null when values are entered with a source. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  computedFrom: ComputedSource | null;

  /** "never lowered" (生均公用经费只增不减): a value below the previous year's is off target too. */
  @Column({ type: 'boolean', default: false })
  neverLowered: boolean;

  /** The policy's wording of the target, shown beside the number. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  note: string | null;

  @Column({ type: 'smallint', default: 0 })
  sortOrder: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
