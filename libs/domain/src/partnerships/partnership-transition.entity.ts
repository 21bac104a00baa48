import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Partnership, PartnershipStatus } from './partnership.entity';

/** Who moved a partnership from which status to which, when and why. `seq` orders them (1 = creation). */
@Entity('partnership_transitions')
@Index('uq_transition_seq', ['partnershipId', 'seq'], { unique: true })
export class PartnershipTransition extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  @Column({ type: 'int' })
  seq: number;

  /** null for the creation record. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  fromStatus: PartnershipStatus | null;

  @Column({ type: 'varchar', length: 20 })
  toStatus: PartnershipStatus;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  /** The actor's name at the time, kept so the history reads the same after an account is renamed. */
  @Column({ type: 'varchar', length: 50 })
  actorName: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  actorRole: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;
}
