import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';

export const ORGANIZATION_KINDS = ['county', 'school', 'university', 'external_school', 'government_unit'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const OWNERSHIPS = ['public', 'private'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

/** county = a county high school (县中); urban = a city-district school (城区学校). */
export const LOCALITIES = ['county', 'urban'] as const;
export type Locality = (typeof LOCALITIES)[number];

export const DESIGNATIONS = [
  'none',
  'provincial_level2_model', // 省二级示范
  'provincial_level1_model', // 省一级示范
  'characteristic_arts_sports', // 特色（艺体）
  'characteristic_humanities', // 特色（人文）
  'characteristic_science_tech', // 特色（科技）
  'comprehensive', // 综合高中
] as const;
export type Designation = (typeof DESIGNATIONS)[number];

/**
 * Any unit the platform knows: a county/district (its education bureau), a school (Guangyuan's own, with a
 * county), a university, a school outside Guangyuan, or a government unit such as 市教育局.
 */
@Entity('organizations')
@Index('idx_org_kind_county', ['kind', 'countyId'])
export class Organization extends UuidEntity {
  @Index('uq_org_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  kind: OrganizationKind;

  /** The county a school (or a county-level unit) belongs to; null for counties, city units and outside bodies. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  countyId: string | null;

  @ManyToOne(() => Organization, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'countyId' })
  county?: Organization | null;

  /** Official school code (学校代码) where known. */
  @Index('uq_org_code', { unique: true })
  @Column({ type: 'varchar', length: 32, nullable: true })
  code: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  ownership: Ownership | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  locality: Locality | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  designation: Designation | null;

  /** 薄弱学校: the schools the policy's aid, pushes and plans target. */
  @Column({ type: 'boolean', default: false })
  isWeak: boolean;

  /** Where an outside body is (e.g. 广安市, 北京市); address for local ones. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  location: string | null;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
