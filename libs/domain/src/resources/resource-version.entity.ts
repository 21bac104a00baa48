import { UuidEntity } from '@app/platform';
import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Resource } from './resource.entity';
import { StoredObject } from './stored-object.entity';
import { bigintNumber } from './bigint.transformer';

/** uploading (bytes arriving) -> processing (job verifying) -> ready | failed. Only ready versions are downloadable. */
export const VERSION_STATUSES = ['uploading', 'processing', 'ready', 'failed'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/**
 * One upload of a resource's content. Numbered 1, 2, ... per resource; history is kept. The bytes first land
 * at `uploadKey`; processing either adopts them as a new StoredObject or, when identical content is already
 * stored, points at that object and deletes the new copy (dedupe by SHA-256).
 */
@Entity('resource_versions')
@Index('uq_version_resource_number', ['resourceId', 'number'], { unique: true })
@Index('idx_version_object', ['storedObjectId'])
@Index('idx_version_status', ['status', 'createdAt'])
export class ResourceVersion extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resourceId' })
  resource?: Resource;

  @Column({ type: 'int' })
  number: number;

  /** The name as uploaded (Chinese kept); the download's Content-Disposition uses it. */
  @Column({ type: 'varchar', length: 255 })
  filename: string;

  /** Type the client declared; `contentType` becomes the detected type after processing. */
  @Column({ type: 'varchar', length: 150 })
  declaredContentType: string;

  @Column({ type: 'varchar', length: 150 })
  contentType: string;

  /** Bytes: declared by a multipart client, counted for a direct upload, verified by processing. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  /** Hex SHA-256 the client claimed (optional for a direct upload); processing compares it with the bytes. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  clientSha256: string | null;

  /** Hex SHA-256 of the stored bytes, set by processing. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: VersionStatus;

  /** Where the uploaded bytes were written; null once processing adopted or discarded them. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  uploadKey: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  storedObjectId: string | null;

  @ManyToOne(() => StoredObject, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'storedObjectId' })
  storedObject?: StoredObject | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  failureCode: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  failureReason: string | null;

  @Column({ type: 'varchar', length: 36 })
  uploadedById: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  processedAt: Date | null;

  @BeforeInsert()
  protected stampCreated(): void {
    this.createdAt ??= new Date();
  }
}
