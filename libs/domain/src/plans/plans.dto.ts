import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '@app/platform';
import { MEASURE_STATUSES, MeasureStatus, REVIEW_STATES, ReviewState } from './measure.entity';
import { PLAN_STATUSES, PlanStatus } from './plan.entity';
import { UpdateKind } from './progress-update.entity';
import { PlanCapability } from './plan-access';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/[ \t]+/g, ' ') : value);
const trimEach = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value);
/** Form fields and query strings are text: "true"/"false" (and 1/0) become booleans; anything else fails @IsBoolean. */
const textBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = '日期格式应为 YYYY-MM-DD';
export const MAX_GOALS = 20;
export const MAX_UNITS = 20;
export const MAX_INDICATORS = 20;

export class IdParam {
  @IsString() @MaxLength(36)
  id: string;
}

// ---- plans ----

export class CreatePlanDto {
  /** The school (kind school) the plan is for. */
  @IsString() @MaxLength(36)
  schoolId: string;

  /** School years covered, e.g. 2025-2026. */
  @IsString() @Matches(/^\d{4}-\d{4}$/, { message: 'term 格式应为 2025-2026' })
  term: string;

  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title: string;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_GOALS) @Transform(trimEach) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(500, { each: true })
  goals?: string[];
}

export class UpdatePlanDto {
  @IsOptional() @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_GOALS) @Transform(trimEach) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(500, { each: true })
  goals?: string[];

  /** Archive a plan (county or city), or bring an archived one back if no other plan of the term is active. */
  @IsOptional() @IsIn(PLAN_STATUSES)
  status?: PlanStatus;
}

export class ListPlansQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(36)
  schoolId?: string;

  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  @IsOptional() @IsString() @Matches(/^\d{4}-\d{4}$/)
  term?: string;

  @IsOptional() @IsIn(PLAN_STATUSES)
  status?: PlanStatus;
}

// ---- measures ----

export class CreateMeasureDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title: string;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  /** 牵头单位: any organization (school, county bureau, city unit, partner body). */
  @IsString() @MaxLength(36)
  leadUnitId: string;

  /** 配合单位, in order; may be empty (or left out). */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_UNITS) @ArrayUnique() @IsString({ each: true }) @MaxLength(36, { each: true })
  cooperatingUnitIds?: string[];

  /** Due date (YYYY-MM-DD, a calendar day in Asia/Shanghai). */
  @IsString() @Matches(DATE, { message: DATE_MESSAGE })
  dueDate: string;

  @IsOptional() @IsString() @Matches(DATE, { message: DATE_MESSAGE })
  startDate?: string;

  /** Linked IndicatorDefinition ids. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INDICATORS) @ArrayUnique() @IsString({ each: true }) @MaxLength(36, { each: true })
  indicatorIds?: string[];
}

export class UpdateMeasureDto {
  @IsOptional() @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  title?: string;

  /** null clears it. */
  @ValidateIf((_, v) => v !== undefined && v !== null) @IsString() @MaxLength(2000)
  description?: string | null;

  @IsOptional() @IsString() @MaxLength(36)
  leadUnitId?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_UNITS) @ArrayUnique() @IsString({ each: true }) @MaxLength(36, { each: true })
  cooperatingUnitIds?: string[];

  @IsOptional() @IsString() @Matches(DATE, { message: DATE_MESSAGE })
  dueDate?: string;

  /** null clears it. */
  @ValidateIf((_, v) => v !== undefined && v !== null) @IsString() @Matches(DATE, { message: DATE_MESSAGE })
  startDate?: string | null;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INDICATORS) @ArrayUnique() @IsString({ each: true }) @MaxLength(36, { each: true })
  indicatorIds?: string[];

  /** not_started, in_progress or blocked; `done` is reached only by a coordinator's approval. */
  @IsOptional() @IsIn(MEASURE_STATUSES)
  status?: MeasureStatus;
}

export class ListMeasuresQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(36)
  planId?: string;

  @IsOptional() @IsString() @MaxLength(36)
  schoolId?: string;

  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  @IsOptional() @IsString() @MaxLength(36)
  leadUnitId?: string;

  @IsOptional() @IsIn(MEASURE_STATUSES)
  status?: MeasureStatus;

  @IsOptional() @IsIn(REVIEW_STATES)
  reviewState?: ReviewState;

  /** true: only overdue measures; false: only those that are not. */
  @IsOptional() @Transform(textBool) @IsBoolean()
  overdue?: boolean;
}

/**
 * A progress update, sent as JSON `{text}` or as multipart/form-data with `text`, optional `status`,
 * `requestClose` and zero or more `files` (the evidence).
 */
export class CreateProgressUpdateDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(4000)
  text: string;

  /** progress (default for editors) or comment (no status change; the only kind a mentor may post). */
  @IsOptional() @IsIn(['progress', 'comment'])
  kind?: 'progress' | 'comment';

  /** Change the status with this update: not_started, in_progress or blocked. */
  @IsOptional() @IsIn(MEASURE_STATUSES)
  status?: MeasureStatus;

  /** Ask a county or city coordinator to sign the measure off as done; needs at least one evidence file. */
  @IsOptional() @Transform(textBool) @IsBoolean()
  requestClose?: boolean;
}

export class ReviewMeasureDto {
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  /** Required (non-empty) for a rejection; an optional remark for an approval. */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(1000)
  reason?: string;
}

export class ListUpdatesQuery extends PageQuery {}

// ---- views ----

export interface OrganizationRef {
  id: string;
  name: string;
  kind: string;
}

export interface IndicatorRef {
  id: string;
  key: string;
  nameZh: string;
}

export interface EvidenceView {
  id: string;
  measureId: string;
  updateId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedById: string;
  createdAt: Date;
  /** GET it (with the bearer token) to be redirected to a short-lived download URL. */
  downloadPath: string;
}

export interface ProgressUpdateView {
  id: string;
  measureId: string;
  kind: UpdateKind;
  text: string;
  statusFrom: MeasureStatus | null;
  statusTo: MeasureStatus | null;
  authorId: string;
  authorName: string | null;
  authorRole: string;
  authorOrganizationId: string;
  createdAt: Date;
  evidence: EvidenceView[];
}

export interface MeasureView {
  id: string;
  planId: string;
  schoolId: string;
  title: string;
  description: string | null;
  leadUnitId: string;
  leadUnit: OrganizationRef | null;
  cooperatingUnitIds: string[];
  cooperatingUnits: OrganizationRef[];
  indicatorIds: string[];
  indicators: IndicatorRef[];
  startDate: string | null;
  dueDate: string;
  status: MeasureStatus;
  /** Derived: due before today (Asia/Shanghai) and not done. */
  overdue: boolean;
  daysOverdue: number;
  reviewState: ReviewState;
  closeRequestedAt: Date | null;
  reviewedAt: Date | null;
  reviewedById: string | null;
  rejectionReason: string | null;
  closedAt: Date | null;
  evidenceCount: number;
  sortOrder: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MeasureDetailView extends MeasureView {
  plan: { id: string; title: string; term: string; status: PlanStatus; schoolId: string; schoolName: string | null };
  evidence: EvidenceView[];
  /** The most recent updates, newest first (all of them through GET /measures/:id/updates). */
  updates: ProgressUpdateView[];
  updatesTotal: number;
  permissions: Record<PlanCapability, boolean>;
}

export interface MeasureCounts {
  total: number;
  byStatus: Record<MeasureStatus, number>;
  overdue: number;
  awaitingReview: number;
}

export interface PlanView {
  id: string;
  schoolId: string;
  school: { id: string; name: string; countyId: string | null; countyName: string | null } | null;
  term: string;
  title: string;
  goals: string[];
  status: PlanStatus;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
  measureCounts: MeasureCounts;
}

export interface PlanDetailView extends PlanView {
  measures: MeasureView[];
  permissions: Record<PlanCapability, boolean>;
}

export interface MeasureImportResultView {
  created: number;
  measures: MeasureView[];
}
