import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '@app/platform';
import { RECTIFICATION_SOURCE_KINDS, RECTIFICATION_STATUSES, RectificationSourceKind, RectificationStatus } from './rectification.entity';
import { RECTIFICATION_EVENT_KINDS, RectificationEventKind } from './rectification-event.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const queryBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class RectificationIdParam {
  @IsString() @MaxLength(36)
  id: string;
}

export class ListRectificationsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  /** The responsible unit. */
  @IsOptional() @IsString() @MaxLength(36)
  organizationId?: string;

  @IsOptional() @IsIn(RECTIFICATION_STATUSES)
  status?: RectificationStatus;

  @IsOptional() @IsIn(RECTIFICATION_SOURCE_KINDS)
  sourceKind?: RectificationSourceKind;

  /** Only open orders past their deadline (true), or only the others (false). */
  @IsOptional() @Transform(queryBool) @IsBoolean()
  overdue?: boolean;
}

export class CreateRectificationDto {
  /** The school (or, for the city, the county) that must rectify. */
  @IsString() @MaxLength(36)
  organizationId: string;

  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title: string;

  @IsString() @Transform(trim) @MinLength(1) @MaxLength(2000)
  reason: string;

  /** YYYY-MM-DD (Asia/Shanghai), today or later. */
  @IsString() @Matches(DATE_PATTERN, { message: 'deadline must be a date YYYY-MM-DD' })
  deadline: string;
}

/** JSON `{text}` or multipart/form-data with `text` and up to 10 `files`. */
export class SubmitEvidenceDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(4000)
  text: string;
}

export class ReviewRectificationDto {
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  /** Required to reject (the unit acts on it); optional remark when approving. */
  @ValidateIf((o: ReviewRectificationDto) => o.reason !== undefined && o.reason !== null)
  @IsString() @Transform(trim) @MaxLength(1000)
  reason?: string;
}

// ---- responses ----

export class RectificationView {
  id: string;
  organizationId: string;
  organizationName: string | null;
  countyId: string | null;
  countyName: string | null;
  schoolId: string | null;
  title: string;
  reason: string;
  deadline: string;
  @ApiProperty({ enum: RECTIFICATION_STATUSES })
  status: RectificationStatus;
  /** Open and past the deadline (Asia/Shanghai). */
  overdue: boolean;
  daysOverdue: number;
  @ApiProperty({ enum: RECTIFICATION_SOURCE_KINDS })
  sourceKind: RectificationSourceKind;
  sourceId: string | null;
  /** Null when the supervision scan opened it. */
  issuedById: string | null;
  rejectionReason: string | null;
  submittedAt: Date | null;
  closedAt: Date | null;
  closedById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export class RectificationPage {
  items: RectificationView[];
  total: number;
  page: number;
  limit: number;
}

export class RectificationFileView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** GET it (signed in) to be redirected to a short-lived download URL. */
  downloadPath: string;
  createdAt: Date;
}

export class RectificationEventView {
  id: string;
  @ApiProperty({ enum: RECTIFICATION_EVENT_KINDS })
  kind: RectificationEventKind;
  @ApiProperty({ enum: RECTIFICATION_STATUSES, nullable: true })
  statusFrom: RectificationStatus | null;
  @ApiProperty({ enum: RECTIFICATION_STATUSES })
  statusTo: RectificationStatus;
  note: string | null;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  files: RectificationFileView[];
  createdAt: Date;
}

export class RectificationPermissions {
  canSubmitEvidence: boolean;
  canReview: boolean;
}

export class RectificationDetailView extends RectificationView {
  /** Oldest first. */
  events: RectificationEventView[];
  permissions: RectificationPermissions;
}

export class FlaggedItemView {
  @ApiProperty({ enum: ['measure', 'indicator'] })
  kind: 'measure' | 'indicator';
  sourceId: string;
  organizationId: string;
  countyId: string | null;
  title: string;
  /** The order now open for it: opened by this run, or already open from an earlier one. */
  rectificationId: string | null;
  /** True when this run opened the order. */
  opened: boolean;
}

export class SupervisionRunCounts {
  flagged: number;
  opened: number;
  alreadyOpen: number;
  overdueMeasures: number;
  offTargetIndicators: number;
}

export class SupervisionRunResult {
  @ApiProperty({ enum: ['manual', 'schedule'] })
  trigger: 'manual' | 'schedule';
  /** Calendar day of the run in Asia/Shanghai. */
  today: string;
  /** School year whose indicator values were checked. */
  year: number;
  deadline: string;
  flagged: FlaggedItemView[];
  opened: RectificationView[];
  counts: SupervisionRunCounts;
}
