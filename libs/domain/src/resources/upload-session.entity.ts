import { UuidEntity } from '@app/platform';
import { BeforeInsert, Column, Entity, Index } from 'typeorm';
import { bigintNumber } from './bigint.transformer';

export const UPLOAD_SESSION_STATUSES = ['active', 'completed', 'aborted'] as const;
export type UploadSessionStatus = (typeof UPLOAD_SESSION_STATUSES)[number];

/**
 * A resumable multipart upload. Kept in the database (not in memory) so any api instance can presign parts,
 * list them or complete the upload; the id is the `uploadId` clients see (the object store's own upload id
 * stays server-side). Active sessions idle past UPLOAD_ABANDON_HOURS are aborted by the cleanup job.
 */
@Entity('resource_upload_sessions')
@Index('idx_upload_status_activity', ['status', 'lastActivityAt'])
@Index('idx_upload_version', ['versionId'])
export class UploadSession extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'varchar', length: 36 })
  versionId: string;

  @Column({ type: 'varchar', length: 36 })
  uploaderId: string;

  @Column({ type: 'varchar', length: 200 })
  storageKey: string;

  /** The object store's multipart upload id. */
  @Column({ type: 'varchar', length: 255 })
  storageUploadId: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 150 })
  contentType: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'int' })
  partSize: number;

  @Column({ type: 'int' })
  partCount: number;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status: UploadSessionStatus;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Last initiate / part URL / listing / completion; the abandon cleanup measures idleness from here. */
  @Column({ type: 'datetime', precision: 3 })
  lastActivityAt: Date;

  @BeforeInsert()
  protected stampCreated(): void {
    this.createdAt ??= new Date();
    this.lastActivityAt ??= this.createdAt;
  }
}
