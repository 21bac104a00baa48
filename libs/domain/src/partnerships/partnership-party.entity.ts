import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Partnership } from './partnership.entity';

export const PARTY_SIDES = ['mentor', 'member'] as const;
export type PartySide = (typeof PARTY_SIDES)[number];

/**
 * One participant of a partnership. An organization party has `userId` null; a person party (teacher pairing:
 * the mentor teacher, a mentee teacher) names the user and, in `organizationId`, the school they belonged to when
 * added, so scope and county filters work the same way for both.
 */
@Entity('partnership_parties')
@Index('idx_party_org_side', ['organizationId', 'side'])
@Index('idx_party_partnership', ['partnershipId', 'side'])
export class PartnershipParty extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  @Column({ type: 'varchar', length: 10 })
  side: PartySide;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Index('idx_party_user')
  @Column({ type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'userId' })
  user?: User | null;
}
