import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  ArrayMinSize,
  ValidateIf,
} from 'class-validator';
import {
  RESOURCE_GRADES,
  RESOURCE_STATUSES,
  RESOURCE_SUBJECTS,
  RESOURCE_TYPES,
  RESOURCE_VISIBILITIES,
  ResourceGrade,
  ResourceStatus,
  ResourceSubject,
  ResourceType,
  ResourceVisibility,
} from './resource.entity';
import type { VersionStatus } from './resource-version.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/[ \t]+/g, ' ') : value);
const trimTags = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? [...new Set(value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== ''))] : value;
const SHA256 = /^[0-9a-fA-F]{64}$/;
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
export const MAX_TAGS = 20;

export class ResourceIdParam {
  @IsString() @MaxLength(36)
  id: string;
}

export class UploadIdParam {
  @IsString() @MaxLength(36)
  uploadId: string;
}

export class PartParam extends UploadIdParam {
  @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  n: number;
}

export class CreateResourceDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title: string;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  /** lesson_plan 教案, courseware 课件, micro_lecture 微课, study_guide 学案, exam_paper 试卷, other 其他. */
  @IsIn(RESOURCE_TYPES)
  type: ResourceType;

  /** The Chinese subject name, e.g. 数学. */
  @IsIn(RESOURCE_SUBJECTS)
  subject: ResourceSubject;

  @IsIn(RESOURCE_GRADES)
  grade: ResourceGrade;

  /** Textbook edition, e.g. 人教A版. */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(50)
  edition?: string;

  /** Chapter or unit. */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(100)
  chapter?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_TAGS) @Transform(trimTags) @IsString({ each: true }) @MaxLength(30, { each: true })
  tags?: string[];

  /** city: everyone (after review); partnership: the owner's partner schools (after review); school: own school only. */
  @IsIn(RESOURCE_VISIBILITIES)
  visibility: ResourceVisibility;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(100)
  licence?: string;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  attribution?: string;

  /** Owner organization; must be the uploader's own (teachers upload for their own school). Defaults to it. */
  @IsOptional() @IsString() @MaxLength(36)
  organizationId?: string;
}

export class UpdateResourceDto {
  @IsOptional() @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  @IsOptional() @IsIn(RESOURCE_TYPES)
  type?: ResourceType;

  @IsOptional() @IsIn(RESOURCE_SUBJECTS)
  subject?: ResourceSubject;

  @IsOptional() @IsIn(RESOURCE_GRADES)
  grade?: ResourceGrade;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Transform(trim) @MaxLength(50)
  edition?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Transform(trim) @MaxLength(100)
  chapter?: string | null;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_TAGS) @Transform(trimTags) @IsString({ each: true }) @MaxLength(30, { each: true })
  tags?: string[];

  @IsOptional() @IsIn(RESOURCE_VISIBILITIES)
  visibility?: ResourceVisibility;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Transform(trim) @MaxLength(100)
  licence?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Transform(trim) @MaxLength(200)
  attribution?: string | null;
}

export class ReviewResourceDto {
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  /** Required when rejecting; shown to the uploader. */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(500)
  reason?: string;
}

export class DownloadQuery {
  /** A version number (1, 2, ...) or version id; the latest verified version when absent. */
  @IsOptional() @IsString() @MaxLength(36)
  version?: string;
}

export class CreateUploadDto {
  /** The file's name (Chinese kept), with its extension. */
  @IsString() @MinLength(1) @MaxLength(255)
  filename: string;

  /** Total bytes. */
  @Type(() => Number) @IsInt() @Min(1)
  size: number;

  /** Hex SHA-256 of the whole file, computed by the client; processing checks it. */
  @IsString() @Matches(SHA256, { message: 'sha256 应为 64 位十六进制' }) @Transform(lower)
  sha256: string;

  @IsOptional() @IsString() @MaxLength(150)
  contentType?: string;
}

export class CompletedPartDto {
  @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  partNumber: number;

  /** The part PUT's ETag response header (quotes allowed). */
  @IsString() @MinLength(1) @MaxLength(100)
  etag: string;
}

export class CompleteUploadDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10000) @ValidateNested({ each: true }) @Type(() => CompletedPartDto)
  parts: CompletedPartDto[];
}

export class SetQuotaDto {
  /** Bytes; 0 blocks new uploads. */
  @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  quotaBytes: number;
}

export class OrganizationIdParam {
  @IsString() @MaxLength(36)
  organizationId: string;
}

export class ReconcileDto {
  /** Delete orphan objects and fix counts (default false: report only). */
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false])
  repair?: boolean;

  /** Orphan objects younger than this are left alone (an upload may be writing them). Default UPLOAD_ABANDON_HOURS. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(24 * 60 * 30)
  minAgeMinutes?: number;
}

// ---- views ----

export interface VersionView {
  id: string;
  number: number;
  filename: string;
  size: number;
  sha256: string | null;
  contentType: string;
  status: VersionStatus;
  failureCode: string | null;
  failureReason: string | null;
  uploadedById: string;
  createdAt: Date;
  processedAt: Date | null;
}

export interface ResourceView {
  id: string;
  title: string;
  description: string;
  type: ResourceType;
  subject: ResourceSubject;
  grade: ResourceGrade;
  edition: string | null;
  chapter: string | null;
  tags: string[];
  visibility: ResourceVisibility;
  licence: string | null;
  attribution: string | null;
  organizationId: string;
  organizationName: string | null;
  uploaderId: string;
  uploaderName: string | null;
  status: ResourceStatus;
  rejectReason: string | null;
  rejectCode: string | null;
  downloadCount: number;
  /** Whether the caller has this item among their favourites (收藏), as the list view says. */
  favourited: boolean;
  /** The current (latest verified) version's file: name, bytes, hex SHA-256, type. Null before the first upload is verified. */
  filename: string | null;
  size: number | null;
  sha256: string | null;
  contentType: string | null;
  currentVersion: VersionView | null;
  /** The version being uploaded or processed (for those who may manage the item). */
  pendingVersion: VersionView | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  permissions: { manage: boolean; review: boolean };
}

export interface UploadView {
  uploadId: string;
  /** Opaque; clients driving S3 multipart (Uppy) pass it back, the api does not need it. */
  key: string;
  resourceId: string;
  versionId: string;
  filename: string;
  size: number;
  partSize: number;
  partCount: number;
  status: string;
  parts: { partNumber: number; size: number; etag: string }[];
}

export interface QuotaView {
  organizationId: string;
  quotaBytes: number;
  usedBytes: number;
  /** Bytes of uploads still in progress or being processed (counted in usedBytes). */
  pendingBytes: number;
  availableBytes: number;
}

