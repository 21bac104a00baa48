import { UuidEntity } from '@app/platform';
import { Column } from 'typeorm';

/**
 * Columns shared by every evidence file kept in object storage (plans' evidence_files, supervision's
 * rectification_files). No @Entity: each subclass keeps its own table, owner foreign keys, index names (the unique
 * index on storageKey is declared on the subclass, as its name differs per table) and createdAt.
 */
export abstract class StoredEvidenceFile extends UuidEntity {
  /** Order within the update/event, as the files were sent (they share one timestamp). */
  @Column({ type: 'smallint', default: 0 })
  position: number;

  @Column({ type: 'varchar', length: 200 })
  storageKey: string;

  /** The name as uploaded (Chinese names kept), used for the download. */
  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 150 })
  contentType: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  size: number;

  /** Hex SHA-256 of the content, computed while streaming. */
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 36 })
  uploadedById: string;
}
