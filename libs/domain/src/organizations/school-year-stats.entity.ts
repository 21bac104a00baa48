import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Organization } from './organization.entity';

/** Keeps decimals exact in MySQL (DECIMAL comes back as a string) while the api speaks numbers. */
const decimalToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/** A school's figures for one school year (the year it starts, e.g. 2025 for 2025-2026). */
@Entity('school_year_stats')
@Index('uq_stats_org_year', ['organizationId', 'year'], { unique: true })
export class SchoolYearStats extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Column({ type: 'smallint' })
  year: number;

  /** 在校学生数 */
  @Column({ type: 'int' })
  students: number;

  /** 班级数 */
  @Column({ type: 'int' })
  classes: number;

  /** 专任教师数 */
  @Column({ type: 'int' })
  teachers: number;

  /** 最大班额 */
  @Column({ type: 'int' })
  largestClass: number;

  /** 生均公用经费（元/年） */
  @Column({ type: 'decimal', precision: 12, scale: 2, transformer: decimalToNumber })
  perStudentFunding: number;

  /** 起始年级最大班额 (new entry grade), optional */
  @Column({ type: 'int', nullable: true })
  newEntryLargestClass: number | null;

  /** 教研员人数, optional */
  @Column({ type: 'int', nullable: true })
  researchers: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  notes: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  updatedById: string | null;

  @UpdateDateColumn()
  updatedAt: Date;
}
