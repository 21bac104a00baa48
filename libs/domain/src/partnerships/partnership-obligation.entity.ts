import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { PartnershipTerm } from './partnership-term.entity';

/** What an obligation counts: 联合教研 sessions, on-site visits (到校指导), resources pushed (资源推送). */
export const OBLIGATION_KINDS = ['joint_research_session', 'onsite_visit', 'resource_push'] as const;
export type ObligationKind = (typeof OBLIGATION_KINDS)[number];

/** "At least `target` <kind> in this term". One per kind and term. */
@Entity('partnership_obligations')
@Index('uq_obligation_term_kind', ['termId', 'kind'], { unique: true })
export class PartnershipObligation extends UuidEntity {
  @Index('idx_obligation_partnership')
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @Column({ type: 'varchar', length: 36 })
  termId: string;

  @ManyToOne(() => PartnershipTerm, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'termId' })
  term?: PartnershipTerm;

  @Column({ type: 'varchar', length: 30 })
  kind: ObligationKind;

  @Column({ type: 'int' })
  target: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  note: string | null;
}
