import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Partnership } from './partnership.entity';

export const COMMENDATION_RECIPIENTS = ['school', 'team', 'person'] as const;
export type CommendationRecipient = (typeof COMMENDATION_RECIPIENTS)[number];

/** 表彰奖励 of a school, the dispatched team or a person for their work in a partnership. */
@Entity('partnership_commendations')
@Index('idx_commendation_partnership', ['partnershipId', 'awardedOn'])
export class Commendation extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  @Column({ type: 'varchar', length: 10 })
  recipientKind: CommendationRecipient;

  /** The school commended (recipientKind school). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  organizationId: string | null;

  /** The team member commended (recipientKind person, when they are on the dispatched team). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  teamMemberId: string | null;

  /** The name as shown: the school's, the team's or the person's. */
  @Column({ type: 'varchar', length: 100 })
  recipientName: string;

  /** e.g. 优秀帮扶团队 */
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'date' })
  awardedOn: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  grantedById: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
