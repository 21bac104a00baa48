import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  RESOURCE_GRADES,
  RESOURCE_STATUSES,
  RESOURCE_SUBJECTS,
  RESOURCE_TYPES,
  ResourceGrade,
  ResourceStatus,
  ResourceSubject,
  ResourceType,
  ResourceVisibility,
} from '../resource.entity';
import { SEARCH_SORTS, SearchSort } from './search-cursor';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `?edition=` (empty) means no filter, as an absent parameter does. */
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const SEARCH_MAX_LIMIT = 50;

export class SearchResourcesQuery {
  /**
   * Keywords over title, description, chapter and tags. Chinese is matched by character pairs (函数 finds
   * 高一数学函数的概念; a single character matches too), latin words and numbers by prefix, case-insensitively.
   * Several words separated by spaces must all match. Punctuation is ignored.
   */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(100)
  q?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsIn(RESOURCE_SUBJECTS)
  subject?: ResourceSubject;

  @IsOptional() @Transform(emptyToUndefined) @IsIn(RESOURCE_GRADES)
  grade?: ResourceGrade;

  @IsOptional() @Transform(emptyToUndefined) @IsIn(RESOURCE_TYPES)
  type?: ResourceType;

  /** Textbook edition, exactly as stored (e.g. 人教A版). */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(50)
  edition?: string;

  /** Owner organization. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(36)
  organizationId?: string;

  /**
   * Default `published`. Other statuses list the items the caller manages or reviews (their own drafts, their
   * school's, or for coordinators the items awaiting review in their area).
   */
  @IsOptional() @Transform(emptyToUndefined) @IsIn(RESOURCE_STATUSES)
  status?: ResourceStatus;

  /** newest (default) or downloads (most downloaded first). */
  @IsOptional() @Transform(emptyToUndefined) @IsIn(SEARCH_SORTS)
  sort?: SearchSort;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(SEARCH_MAX_LIMIT)
  limit?: number;

  /** `nextCursor` of the previous page, with the same filters and sort. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(200)
  cursor?: string;
}

/** A resource in a list (search, collection, favourites). */
export interface ResourceSummaryView {
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
  status: ResourceStatus;
  organizationId: string;
  organizationName: string | null;
  uploaderId: string;
  uploaderName: string | null;
  downloadCount: number;
  /** The current version's file; null before the first upload is verified. */
  filename: string | null;
  size: number | null;
  contentType: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  /** Whether the caller has it in their favourites. */
  favourited: boolean;
}

export interface ResourceSearchPage {
  items: ResourceSummaryView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class ReconcileSearchIndexDto {
  /** Rewrite every resource's index rows, not only missing or stale ones. */
  @IsOptional() @IsBoolean()
  force?: boolean;
}
