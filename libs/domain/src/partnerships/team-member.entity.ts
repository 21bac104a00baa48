import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { Partnership } from './partnership.entity';

/** 执行校长, 校长, 副校长, 中层干部, 学科教师, 教研员, 其他 */
export const TEAM_ROLES = ['executive_principal', 'principal', 'vice_principal', 'middle_manager', 'subject_teacher', 'researcher', 'other'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** A person of the dispatched team (派驻团队) working on site at the member school. */
@Entity('partnership_team_members')
@Index('idx_team_partnership', ['partnershipId'])
export class TeamMember extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  partnershipId: string;

  @ManyToOne(() => Partnership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partnershipId' })
  partnership?: Partnership;

  @Column({ type: 'varchar', length: 50 })
  personName: string;

  /** The platform account of the person, when they have one. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 30 })
  role: TeamRole;

  @Column({ type: 'varchar', length: 20, nullable: true })
  subject: string | null;

  /** The organization the person comes from (usually the mentor school). */
  @Column({ type: 'varchar', length: 36 })
  homeOrganizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'homeOrganizationId' })
  homeOrganization?: Organization;

  @Column({ type: 'date' })
  onSiteFrom: string;

  /** null while still on site. */
  @Column({ type: 'date', nullable: true })
  onSiteTo: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
