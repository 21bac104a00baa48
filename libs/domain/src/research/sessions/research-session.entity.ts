import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn, VersionColumn } from 'typeorm';

/** 联合教研, 送培到县, 送培到校, 示范课, 同课异构, 专题培训. */
export const RESEARCH_SESSION_KINDS = ['joint_research', 'training_to_county', 'training_to_school', 'demo_lesson', 'same_lesson_different_designs', 'thematic_training'] as const;
export type ResearchSessionKind = (typeof RESEARCH_SESSION_KINDS)[number];

/** 国/省/市/县/校 培训级别. */
export const TRAINING_LEVELS = ['national', 'provincial', 'city', 'county', 'school'] as const;
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];

/**
 * threshold: full creditHours when attended >= minAttendancePercent % of the scheduled minutes, else 0;
 * proportional: creditHours * min(1, attended/scheduled), rounded down to 0.5 h (AttendanceService computes it).
 */
export const CREDIT_RULES = ['threshold', 'proportional'] as const;
export type CreditRule = (typeof CREDIT_RULES)[number];

export const RESEARCH_SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type ResearchSessionStatus = (typeof RESEARCH_SESSION_STATUSES)[number];

export interface AgendaItem {
  title: string;
  minutes?: number;
  presenterUserId?: string;
}

/** decimal columns come back as strings on MySQL and numbers on SQLite. */
export const decimalToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/** A joint research or training session (教研活动) hosted by one organization, with invitees and an agenda. */
@Entity('research_sessions')
@Index('idx_rs_host_starts', ['hostOrganizationId', 'startsAt'])
@Index('idx_rs_starts', ['startsAt'])
@Index('idx_rs_partnership', ['partnershipId', 'startsAt'])
export class ResearchSession extends UuidEntity {
  @Column({ type: 'varchar', length: 40 })
  kind: ResearchSessionKind;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  subject: string | null;

  @Column({ type: 'varchar', length: 36 })
  hostOrganizationId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  partnershipId: string | null;

  /** UTC. */
  @Column({ type: 'datetime', precision: 3 })
  startsAt: Date;

  /** UTC, after startsAt. */
  @Column({ type: 'datetime', precision: 3 })
  endsAt: Date;

  @Column({ type: 'varchar', length: 200, nullable: true })
  venue: string | null;

  @Column({ type: 'boolean', default: false })
  online: boolean;

  @Column({ type: 'simple-json' })
  agenda: AgendaItem[];

  /** -1 = not started. */
  @Column({ type: 'int', default: -1 })
  currentAgendaIndex: number;

  @Column({ type: 'varchar', length: 20 })
  trainingLevel: TrainingLevel;

  @Column({ type: 'decimal', precision: 5, scale: 2, transformer: decimalToNumber })
  creditHours: number;

  @Column({ type: 'varchar', length: 20, default: 'threshold' })
  creditRule: CreditRule;

  @Column({ type: 'int', default: 75 })
  minAttendancePercent: number;

  @Column({ type: 'varchar', length: 20, default: 'scheduled' })
  status: ResearchSessionStatus;

  @Column({ type: 'varchar', length: 36 })
  createdByUserId: string;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  endedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  cancelReason: string | null;

  /** Bumped on every change that calendar apps must pick up (the iCal SEQUENCE). */
  @Column({ type: 'int', default: 0 })
  sequence: number;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
