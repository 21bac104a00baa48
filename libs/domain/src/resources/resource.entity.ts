import { BeforeInsert, BeforeUpdate, Column, Entity, Index } from 'typeorm';
import { OwnedLibraryItem } from './owned-library-item';

export const RESOURCE_TYPES = ['lesson_plan', 'courseware', 'micro_lecture', 'study_guide', 'exam_paper', 'other'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The senior-high subjects (普通高中课程方案), stored and matched by their Chinese names. */
export const RESOURCE_SUBJECTS = [
  '语文',
  '数学',
  '英语',
  '物理',
  '化学',
  '生物',
  '思想政治',
  '历史',
  '地理',
  '信息技术',
  '通用技术',
  '音乐',
  '美术',
  '体育与健康',
] as const;
export type ResourceSubject = (typeof RESOURCE_SUBJECTS)[number];

export const RESOURCE_GRADES = ['高一', '高二', '高三'] as const;
export type ResourceGrade = (typeof RESOURCE_GRADES)[number];

/** Who may see a published item: everyone in the city, the owner's partnership partners, or the owner school only. */
export const RESOURCE_VISIBILITIES = ['city', 'partnership', 'school'] as const;
export type ResourceVisibility = (typeof RESOURCE_VISIBILITIES)[number];

/** draft (no content yet) -> processing (job verifying the bytes) -> pending_review -> published | rejected. */
export const RESOURCE_STATUSES = ['draft', 'processing', 'pending_review', 'published', 'rejected'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

/**
 * A teaching resource of the city library (市级基础教育优质教学资源库). Its content lives in versions
 * (ResourceVersion -> StoredObject); `currentVersionId` is the latest version that passed processing.
 * `ownerCountyId` copies the owner organization's county (or the county itself) so visibility and review filters
 * need no join.
 */
@Entity('resources')
@Index('idx_resource_status_created', ['status', 'createdAt'])
@Index('idx_resource_status_downloads', ['status', 'downloadCount'])
@Index('idx_resource_org_status', ['organizationId', 'status'])
@Index('idx_resource_county_status', ['ownerCountyId', 'status'])
@Index('idx_resource_uploader', ['uploaderId'])
export class Resource extends OwnedLibraryItem {
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 20 })
  type: ResourceType;

  @Column({ type: 'varchar', length: 10 })
  subject: ResourceSubject;

  @Column({ type: 'varchar', length: 4 })
  grade: ResourceGrade;

  /** Textbook edition, e.g. 人教A版 (2019). */
  @Column({ type: 'varchar', length: 50, nullable: true })
  edition: string | null;

  /** Chapter / unit, e.g. 第三章 函数的概念与性质. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  chapter: string | null;

  @Column({ type: 'simple-json' })
  tags: string[];

  /** Licence, e.g. CC BY-NC 4.0 or 校内使用. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  licence: string | null;

  /** Attribution line shown with the item (author, source). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  attribution: string | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: ResourceStatus;

  /** Why review or processing rejected the item (Chinese, shown to the uploader). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  rejectReason: string | null;

  /** Stable code when processing rejected it (e.g. RESOURCE_TYPE_MISMATCH); null for a reviewer's rejection. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  rejectCode: string | null;

  /** The latest version that passed processing; null while the item has no verified content. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  currentVersionId: string | null;

  /**
   * The version being uploaded or processed, if any. Set with a conditional UPDATE (only when null), so one
   * resource has at most one content upload in flight whichever api instance receives it.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  pendingVersionId: string | null;

  /** The status before processing started; a failed new version restores it, so a good published version stays. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  priorStatus: ResourceStatus | null;

  /** Total downloads (all schools); per-school counts live in resource_download_counts. */
  @Column({ type: 'int', default: 0 })
  downloadCount: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  reviewedById: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  publishedAt: Date | null;

  /** Millisecond precision set by the application, so keyset pagination by (createdAt, id) is stable on both dialects. */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;

  @BeforeInsert()
  protected stampCreated(): void {
    this.createdAt ??= new Date();
    this.updatedAt ??= this.createdAt;
  }

  @BeforeUpdate()
  protected stampUpdated(): void {
    this.updatedAt = new Date();
  }
}
