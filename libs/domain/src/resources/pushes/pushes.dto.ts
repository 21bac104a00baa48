import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '@app/platform';
import { PUSH_TARGET_KINDS, PushTargetKind } from './push.entity';
import { MAX_PUSH_RESOURCES, MAX_PUSH_SCHOOLS } from './push-rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

// ---- requests ----

/**
 * A push: resources (`resourceIds`) or one collection (`collectionId`), to target schools chosen by `target`:
 * `schools` (the `schoolIds` given), `weak_schools` (every weak school within the pusher's scope) or `partnership`
 * (the member schools of `partnershipId`), with a message to the schools.
 */
export class CreatePushDto {
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PUSH_RESOURCES) @ArrayUnique() @IsUUID('all', { each: true })
  resourceIds?: string[];

  @IsOptional() @IsUUID('all')
  collectionId?: string;

  @ApiProperty({ enum: PUSH_TARGET_KINDS })
  @IsIn(PUSH_TARGET_KINDS)
  target: PushTargetKind;

  /** Required with target `schools`. */
  @ValidateIf((o: CreatePushDto) => o.target === 'schools' || o.schoolIds !== undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PUSH_SCHOOLS) @ArrayUnique() @IsUUID('all', { each: true })
  schoolIds?: string[];

  /** Required with target `partnership`. */
  @ValidateIf((o: CreatePushDto) => o.target === 'partnership' || o.partnershipId !== undefined)
  @IsString() @MinLength(1) @MaxLength(36)
  partnershipId?: string;

  /** Headline in the inbox; defaults to the collection's name or the first resource's title. */
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  /** The message to the schools (推送说明). */
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(1000)
  message: string;
}

export class PushIdParam {
  @IsUUID('all')
  id: string;
}

/** Opening a push from the inbox, optionally by one of its resources (the client calls this as it opens the resource). */
export class OpenPushDto {
  @IsOptional() @IsUUID('all')
  resourceId?: string;
}

export class InboxQuery extends PageQuery {
  /** true: only pushes my school has not opened yet. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @Transform(toBool) @IsBoolean()
  unopened?: boolean;
}

export class SentPushesQuery extends PageQuery {
  /** true: only pushes with a school flagged as still unopened. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @Transform(toBool) @IsBoolean()
  flagged?: boolean;
}

// ---- responses ----

export class PushResourceView {
  id: string;
  /** Current title (the title when pushed if the resource was deleted since). */
  title: string;
  type: string | null;
  subject: string | null;
  grade: string | null;
  /** False when the resource was deleted, unpublished or hidden from the viewer since the push. */
  available: boolean;
}

export class PushPartyView {
  id: string;
  name: string;
}

export class PushTargetView {
  @ApiProperty({ enum: PUSH_TARGET_KINDS })
  kind: PushTargetKind;
  @ApiProperty({ type: PushPartyView, nullable: true })
  partnership: PushPartyView | null;
}

export class ReceiptView {
  schoolId: string;
  schoolName: string;
  countyId: string | null;
  isWeak: boolean;
  deliveredAt: Date;
  firstOpenedAt: Date | null;
  @ApiProperty({ type: PushPartyView, nullable: true })
  firstOpenedBy: PushPartyView | null;
  firstDownloadedAt: Date | null;
  @ApiProperty({ type: PushPartyView, nullable: true })
  firstDownloadedBy: PushPartyView | null;
  /** How many of the push's resources the school has downloaded. */
  downloadedResources: number;
  /** Not opened PUSH_UNOPENED_DAYS or more days after the push (judged now). */
  unopenedOverdue: boolean;
  /** When the daily job flagged the school as not having opened the push (null: never flagged). */
  flaggedAt: Date | null;
}

export class AdoptionView {
  schools: number;
  opened: number;
  downloaded: number;
  unopenedOverdue: number;
  openRate: number;
  downloadRate: number;
}

class PushBaseView {
  id: string;
  title: string;
  message: string;
  target: PushTargetView;
  @ApiProperty({ type: PushPartyView, nullable: true })
  collection: PushPartyView | null;
  pushedAt: Date;
  /** Calendar day of the push in Asia/Shanghai. */
  pushedOn: string;
  pushedBy: PushPartyView;
  pushedByOrganization: PushPartyView;
  resourceCount: number;
  schoolCount: number;
}

/** What the pusher (and the city) sees: adoption per school. */
export class PushDetailView extends PushBaseView {
  @ApiProperty({ enum: ['pusher'] })
  view: 'pusher';
  resources: PushResourceView[];
  adoption: AdoptionView;
  /** A school is still unopened after the job flagged it. */
  flagged: boolean;
  unopenedDays: number;
  receipts: ReceiptView[];
}

/** What a target school's staff see: the push and their own school's receipt. */
export class PushInboxView extends PushBaseView {
  @ApiProperty({ enum: ['recipient'] })
  view: 'recipient';
  resources: PushResourceView[];
  receipt: ReceiptView;
}

export class PushSummaryView extends PushBaseView {
  adoption: AdoptionView;
  flagged: boolean;
}

export class InboxPage {
  items: PushInboxView[];
  total: number;
  page: number;
  limit: number;
  /** Pushes my school has not opened yet (whatever the filter). */
  unopened: number;
}

export class SentPushesPage {
  items: PushSummaryView[];
  total: number;
  page: number;
  limit: number;
}
