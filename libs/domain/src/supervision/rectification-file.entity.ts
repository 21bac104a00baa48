import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { StoredEvidenceFile } from '../evidence/stored-evidence-file.base';
import { Rectification } from './rectification.entity';
import { RectificationEvent } from './rectification-event.entity';

/** A file handed in with a rectification's evidence, kept in object storage under `evidence/<rectificationId>/<uuid>` (the shared evidence upload's layout). */
@Entity('rectification_files')
@Index('idx_rectification_file', ['rectificationId'])
@Index('idx_rectification_file_event', ['eventId'])
@Index('uq_rectification_file_key', ['storageKey'], { unique: true })
export class RectificationFile extends StoredEvidenceFile {
  @Column({ type: 'varchar', length: 36 })
  rectificationId: string;

  @ManyToOne(() => Rectification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rectificationId' })
  rectification?: Rectification;

  /** The evidence_submitted event it came with. */
  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @ManyToOne(() => RectificationEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'eventId' })
  event?: RectificationEvent;

  @CreateDateColumn()
  createdAt: Date;
}
