import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { RESOURCE_VISIBILITIES, ResourceVisibility } from '../resource.entity';
import type { ResourceSummaryView } from '../search/resource-search.dto';
import { COLLECTION_STATUSES, CollectionStatus } from './collection.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Most resources one collection holds. */
export const MAX_COLLECTION_ITEMS = 200;
export const COLLECTIONS_MAX_LIMIT = 50;
export const FAVOURITES_MAX_LIMIT = 50;

export class CollectionIdParam {
  @IsString() @MaxLength(36)
  id: string;
}

export class CollectionItemParam extends CollectionIdParam {
  @IsString() @MaxLength(36)
  resourceId: string;
}

export class FavouriteParam {
  @IsString() @MaxLength(36)
  resourceId: string;
}

export class CreateCollectionDto {
  /** e.g. 高考数学二轮复习专题. */
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(100)
  name: string;

  @IsOptional() @IsString() @MaxLength(1000)
  description?: string;

  /** city (city and county coordinators only), partnership (the owner's partner schools), school (own school). */
  @IsIn(RESOURCE_VISIBILITIES)
  visibility: ResourceVisibility;

  /** draft: only its managers see it; published (default): visible as `visibility` says. */
  @IsOptional() @IsIn(COLLECTION_STATUSES)
  status?: CollectionStatus;
}

export class UpdateCollectionDto {
  @IsOptional() @IsString() @Transform(trim) @MinLength(1) @MaxLength(100)
  name?: string;

  @IsOptional() @IsString() @MaxLength(1000)
  description?: string;

  @IsOptional() @IsIn(RESOURCE_VISIBILITIES)
  visibility?: ResourceVisibility;

  @IsOptional() @IsIn(COLLECTION_STATUSES)
  status?: CollectionStatus;
}

export class ListCollectionsQuery {
  /** Part of the name. */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(50)
  q?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(36)
  organizationId?: string;

  /** Default published; draft lists the drafts the caller manages. */
  @IsOptional() @Transform(emptyToUndefined) @IsIn(COLLECTION_STATUSES)
  status?: CollectionStatus;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(COLLECTIONS_MAX_LIMIT)
  limit?: number;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(200)
  cursor?: string;
}

export class AddCollectionItemDto {
  /** A published resource the caller may see. */
  @IsString() @MaxLength(36)
  resourceId: string;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  note?: string;

  /** 1-based place in the list; default: at the end. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_COLLECTION_ITEMS)
  position?: number;
}

export class UpdateCollectionItemDto {
  /** null clears the note. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Transform(trim) @MaxLength(200)
  note?: string | null;

  /** Moves the item to this 1-based place (past the end means last). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_COLLECTION_ITEMS)
  position?: number;
}

export class ListFavouritesQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(FAVOURITES_MAX_LIMIT)
  limit?: number;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MaxLength(200)
  cursor?: string;
}

// ---- views ----

export interface CollectionView {
  id: string;
  name: string;
  description: string;
  visibility: ResourceVisibility;
  status: CollectionStatus;
  organizationId: string;
  organizationName: string | null;
  createdById: string;
  createdByName: string | null;
  /** Items the caller can see (an item another school keeps to itself is not counted or shown). */
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
  permissions: { manage: boolean };
}

export interface CollectionItemView {
  /** 1-based place in the collection as the caller sees it. */
  position: number;
  note: string | null;
  addedAt: Date;
  resource: ResourceSummaryView;
}

export interface CollectionDetailView extends CollectionView {
  items: CollectionItemView[];
}

export interface CollectionPage {
  items: CollectionView[];
  nextCursor: string | null;
}

export interface FavouriteView {
  favouritedAt: Date;
  resource: ResourceSummaryView;
}

export interface FavouritePage {
  items: FavouriteView[];
  nextCursor: string | null;
}
