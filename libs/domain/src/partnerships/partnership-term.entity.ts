import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Partnership } from './partnership.entity';

/** A period (usually a school term, 学期) inside the agreement, which obligations are set and counted for. */
@Entity('partnership_terms')
@Index('uq_term_label', ['partnershipId', 'label'], { unique: true })
export class PartnershipTerm extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  /** e.g. 2026-2027学年第一学期 */
  @Column({ type: 'varchar', length: 50 })
  label: string;

  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;
}
