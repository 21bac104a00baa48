import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { Partnership } from './partnership.entity';

/** An on-site visit (到校指导) of the mentor side to a member school; counted by `onsite_visit` obligations. */
@Entity('partnership_visits')
@Index('idx_visit_partnership_date', ['partnershipId', 'visitDate'])
export class PartnershipVisit extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  /** The member school visited. */
  @Column({ type: 'varchar', length: 36 })
  schoolId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'schoolId' })
  school?: Organization;

  @Column({ type: 'date' })
  visitDate: string;

  /** Who came, as written (e.g. 周文博等3人). */
  @Column({ type: 'varchar', length: 200 })
  visitors: string;

  @Column({ type: 'varchar', length: 200 })
  purpose: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  summary: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  loggedById: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
