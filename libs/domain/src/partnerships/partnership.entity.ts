import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';

/** The five partnership forms of the policy (measure 四). */
export const PARTNERSHIP_KINDS = ['trusteeship', 'group_aid', 'education_group', 'paired_assistance', 'teacher_pairing'] as const;
export type PartnershipKind = (typeof PARTNERSHIP_KINDS)[number];

/** Education groups only: 城区学校+农村学校, 优质学校+薄弱学校, 优质学校+若干薄弱学校. */
export const GROUP_MODELS = ['urban_rural', 'quality_weak', 'quality_several_weak'] as const;
export type GroupModel = (typeof GROUP_MODELS)[number];

export const PARTNERSHIP_STATUSES = ['proposed', 'active', 'suspended', 'concluded'] as const;
export type PartnershipStatus = (typeof PARTNERSHIP_STATUSES)[number];

/** Amounts are kept in fen (分) as integers so the budget check is exact on every dialect. */
export const bigintToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * A mentoring relation between a mentor side (organizations, or one mentor teacher) and a member side (schools,
 * or mentee teachers); the sides are PartnershipParty rows. The term is the agreement period (startDate..endDate);
 * obligations are set per PartnershipTerm inside it.
 */
@Entity('partnerships')
@Index('idx_partnership_status_kind', ['status', 'kind'])
export class Partnership extends UuidEntity {
  @Index('uq_partnership_name', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 30 })
  kind: PartnershipKind;

  @Column({ type: 'varchar', length: 30, nullable: true })
  groupModel: GroupModel | null;

  @Column({ type: 'varchar', length: 20 })
  status: PartnershipStatus;

  /** Agreement period, calendar days in Asia/Shanghai. */
  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;

  /** 帮扶目标, in the order the agreement lists them. */
  @Column({ type: 'simple-json' })
  goals: string[];

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  /** 县中质量提升专项资金 budget in fen; null while no fund is set up. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  fundBudgetCents: number | null;

  /** Running total of disbursements in fen, changed only by the conditional update that checks the budget. */
  @Column({ type: 'bigint', default: 0, transformer: bigintToNumber })
  fundDisbursedCents: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdById: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
