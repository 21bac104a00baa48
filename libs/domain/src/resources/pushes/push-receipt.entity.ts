import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../../organizations/organization.entity';
import { Push } from './push.entity';

/**
 * One target school of a push and what it did with it (回执): delivered when the push was made, first opened
 * when a teacher or the school admin opened the push (or one of its resources from the inbox), first downloaded
 * when one of them downloaded a pushed resource. Each "first" is written once, by a conditional update.
 */
@Entity('resource_push_receipts')
@Index('uq_push_receipt', ['pushId', 'organizationId'], { unique: true })
@Index('idx_push_receipt_inbox', ['organizationId', 'deliveredAt'])
@Index('idx_push_receipt_partnership', ['partnershipId'])
@Index('idx_push_receipt_unopened', ['firstOpenedAt', 'unopenedFlaggedAt'])
export class PushReceipt extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  pushId: string;

  @ManyToOne(() => Push, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pushId' })
  push?: Push;

  /** The target school. */
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /**
   * The partnership this delivery counts for ("resources pushed" obligations): the targeted partnership, or for a
   * mentor's push the partnership through which the mentor reaches this school. Null for a coordinator's own push.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  partnershipId: string | null;

  @Column({ type: 'datetime', precision: 3 })
  deliveredAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  firstOpenedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  firstOpenedById: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  firstDownloadedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  firstDownloadedById: string | null;

  /** Set by the daily job when the push was still unopened PUSH_UNOPENED_DAYS after delivery (the pusher is told once). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  unopenedFlaggedAt: Date | null;
}
