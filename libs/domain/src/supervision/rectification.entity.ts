import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';

/**
 * open: issued (or sent back), the responsible unit must act; submitted: evidence handed in, awaiting the
 * coordinator; closed: the coordinator accepted the evidence. Overdue is derived from the deadline, not stored.
 */
export const RECTIFICATION_STATUSES = ['open', 'submitted', 'closed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** What the order is about: an overdue measure, an off-target indicator (both from the scan), or issued by hand. */
export const RECTIFICATION_SOURCE_KINDS = ['measure', 'indicator', 'manual'] as const;
export type RectificationSourceKind = (typeof RECTIFICATION_SOURCE_KINDS)[number];

/** A rectification order with a deadline (限期整改). */
@Entity('rectifications')
@Index('idx_rectification_county_status', ['countyId', 'status'])
@Index('idx_rectification_org_status', ['organizationId', 'status'])
@Index('idx_rectification_source', ['sourceKind', 'sourceId'])
export class Rectification extends UuidEntity {
  /** The responsible unit: a measure's lead unit, the school or county off target, or whom a coordinator named. */
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /** The county whose coordinator supervises it (null when only the city does). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  countyId: string | null;

  /** The school the matter concerns, when it is about a school's plan or figures (may differ from the responsible unit). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  schoolId: string | null;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 2000 })
  reason: string;

  /** Calendar day in Asia/Shanghai (YYYY-MM-DD) by which it must be rectified. */
  @Column({ type: 'date' })
  deadline: string;

  @Column({ type: 'varchar', length: 12, default: 'open' })
  status: RectificationStatus;

  @Column({ type: 'varchar', length: 12 })
  sourceKind: RectificationSourceKind;

  /** measure: the measure id; indicator: `<key>:<organizationId>:<year>`; manual: null. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  sourceId: string | null;

  /**
   * `<sourceKind>:<sourceId>` while the order is not closed, null once closed (and always for manual orders).
   * Unique, so however many scans run, even at the same moment, one source has at most one order open.
   */
  @Index('uq_rectification_open_key', { unique: true })
  @Column({ type: 'varchar', length: 140, nullable: true })
  openKey: string | null;

  /** The coordinator who issued it by hand; null when the supervision scan opened it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  issuedById: string | null;

  /** The reason of the latest rejection, for the unit to act on (the history is in the events). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  closedById: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
