import { UuidEntity } from '@app/platform';
import { Column, Entity, Index } from 'typeorm';
import { bigintNumber } from './bigint.transformer';

/** An organization's storage quota when it differs from RESOURCE_QUOTA_BYTES (set by the city). */
@Entity('resource_quotas')
export class ResourceQuota extends UuidEntity {
  @Index('uq_resource_quota_org', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  quotaBytes: number;

  @Column({ type: 'varchar', length: 36 })
  updatedById: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
