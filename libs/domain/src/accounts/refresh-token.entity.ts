import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';

/**
 * One refresh token (only its SHA-256 is stored). Tokens issued from one login form a family; each refresh
 * uses its token up and issues the next. Presenting a used token again revokes the whole family.
 */
@Entity('refresh_tokens')
@Index('idx_refresh_family', ['familyId'])
@Index('idx_refresh_user', ['userId'])
export class RefreshToken extends UuidEntity {
  @Index('uq_refresh_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 36 })
  familyId: string;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  revokedReason: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  userAgent: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
