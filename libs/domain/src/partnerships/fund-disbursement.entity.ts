import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigintToNumber, Partnership } from './partnership.entity';

/** One payment out of a partnership's special fund. */
@Entity('partnership_fund_disbursements')
@Index('idx_disbursement_partnership', ['partnershipId', 'disbursedOn'])
export class FundDisbursement extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  amountCents: number;

  @Column({ type: 'varchar', length: 200 })
  purpose: string;

  @Column({ type: 'date' })
  disbursedOn: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  recordedById: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
