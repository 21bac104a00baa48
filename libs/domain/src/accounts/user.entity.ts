import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import type { Role } from '@app/platform';
import { Organization } from '../organizations/organization.entity';

/** A person who signs in, with one role scoped to one organization. */
@Entity('users')
@Index('idx_user_org_role', ['organizationId', 'role'])
export class User extends UuidEntity {
  @Index('uq_user_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Index('uq_user_phone', { unique: true })
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /** Subject taught (学科), for teachers and mentors. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  subject: string | null;

  /** argon2id hash */
  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
