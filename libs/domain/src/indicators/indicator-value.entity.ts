import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { IndicatorDefinition } from './indicator-definition.entity';

const decimalToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * An entered value of an indicator that the yearly school figures cannot compute (e.g. 指标到校比例), for one
 * organization and one school year, with where the figure comes from. Entering it again replaces it.
 */
@Entity('indicator_values')
@Index('uq_indicator_value', ['definitionId', 'organizationId', 'year'], { unique: true })
@Index('idx_indicator_value_org_year', ['organizationId', 'year'])
export class IndicatorValue extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  definitionId: string;

  @ManyToOne(() => IndicatorDefinition, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'definitionId' })
  definition?: IndicatorDefinition;

  @Column({ type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  /** The school year (the year it starts), as in SchoolYearStats. */
  @Column({ type: 'smallint' })
  year: number;

  @Column({ type: 'decimal', precision: 14, scale: 2, transformer: decimalToNumber })
  value: number;

  /** Where the figure comes from, e.g. 县教育局2025年统计年报. */
  @Column({ type: 'varchar', length: 200 })
  source: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  enteredById: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
