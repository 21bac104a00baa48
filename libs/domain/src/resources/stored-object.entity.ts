import { UuidEntity } from '@app/platform';
import { BeforeInsert, Column, Entity, Index } from 'typeorm';
import { bigintNumber } from './bigint.transformer';

/**
 * Content stored once per SHA-256 (identical courseware uploaded by ten teachers is one object). `refCount`
 * counts the resource versions pointing at it; when it reaches zero `unreferencedAt` is set and the free job
 * deletes the bytes and the row.
 *
 * The storage key is where the first copy was uploaded (`resources/blobs/<versionId>`), not derived from the
 * hash: the hash is only known after the bytes are written and the storage port has no server-side copy, so
 * renaming a 5 GB video would mean writing it twice. The sha256 column (unique) is the content address.
 */
@Entity('stored_objects')
@Index('idx_stored_object_unreferenced', ['unreferencedAt'])
export class StoredObject extends UuidEntity {
  @Index('uq_stored_object_sha256', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  @Index('uq_stored_object_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  storageKey: string;

  /** Detected from the content at processing. */
  @Column({ type: 'varchar', length: 150 })
  contentType: string;

  @Column({ type: 'int', default: 0 })
  refCount: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  unreferencedAt: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampCreated(): void {
    this.createdAt ??= new Date();
  }
}
