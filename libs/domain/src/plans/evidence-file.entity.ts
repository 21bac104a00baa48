import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { StoredEvidenceFile } from '../evidence/stored-evidence-file.base';
import { Measure } from './measure.entity';
import { ProgressUpdate } from './progress-update.entity';

/** A file posted with a progress update, kept in object storage under `evidence/<measureId>/<uuid>`. */
@Entity('evidence_files')
@Index('idx_evidence_measure', ['measureId'])
@Index('idx_evidence_update', ['updateId'])
@Index('uq_evidence_key', ['storageKey'], { unique: true })
export class EvidenceFile extends StoredEvidenceFile {
  @Column({ type: 'varchar', length: 36 })
  measureId: string;

  @ManyToOne(() => Measure, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'measureId' })
  measure?: Measure;

  @Column({ type: 'varchar', length: 36 })
  updateId: string;

  @ManyToOne(() => ProgressUpdate, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'updateId' })
  update?: ProgressUpdate;

  /**
   * Set by the application with millisecond precision so a timeline keeps its order within a second (a plain
   * CreateDateColumn is whole seconds on MySQL, and TypeORM's precise default differs between the dialects).
   */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @BeforeInsert()
  protected stampCreatedAt(): void {
    this.createdAt ??= new Date();
  }
}
