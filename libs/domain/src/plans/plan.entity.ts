import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';

export const PLAN_STATUSES = ['active', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The value of `activeSlot` while a plan is active; archived plans hold NULL, which a unique index ignores. */
export const ACTIVE_SLOT = 'active';

/**
 * 一校一策: one school's plan for a term (e.g. `2025-2026`). At most one plan per school and term is active;
 * the database enforces it with a unique index over (schoolId, term, activeSlot), where activeSlot is 'active'
 * for the active plan and NULL once archived (NULLs never clash in a unique index, on SQLite or MySQL).
 */
@Entity('plans')
@Index('uq_plan_school_term_active', ['schoolId', 'term', 'activeSlot'], { unique: true })
@Index('idx_plan_term_status', ['term', 'status'])
export class Plan extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  schoolId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'schoolId' })
  school?: Organization;

  /** School years the plan covers, `YYYY-YYYY` (e.g. 2025-2026). */
  @Column({ type: 'varchar', length: 9 })
  term: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** The plan's goals in the school's words, in order. */
  @Column({ type: 'simple-json' })
  goals: string[];

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status: PlanStatus;

  @Column({ type: 'varchar', length: 8, nullable: true })
  activeSlot: string | null;

  @Column({ type: 'varchar', length: 36 })
  createdById: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
