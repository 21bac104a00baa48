import { UuidEntity } from '../persistence/uuid-primary';
import { Column, CreateDateColumn, Entity, Index } from 'typeorm';

/** One write through the api: who did what to which record, and when. */
@Entity('audit_entries')
@Index('idx_audit_target', ['targetType', 'targetId'])
@Index('idx_audit_actor', ['actorId', 'createdAt'])
export class AuditEntry extends UuidEntity {
  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actorUsername: string | null;

  /** e.g. `organizations.updateStats` (controller.handler) */
  @Column({ type: 'varchar', length: 120 })
  action: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  @Column({ type: 'varchar', length: 300 })
  path: string;

  @Column({ type: 'varchar', length: 60, nullable: true })
  targetType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'smallint' })
  status: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @CreateDateColumn()
  createdAt: Date;
}
