import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { PageQuery } from '@app/platform';
import { GROUP_MODELS, GroupModel, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PartnershipKind, PartnershipStatus } from './partnership.entity';
import { OBLIGATION_KINDS, ObligationKind } from './partnership-obligation.entity';
import { TEAM_ROLES, TeamRole } from './team-member.entity';
import { COMMENDATION_RECIPIENTS, CommendationRecipient } from './commendation.entity';
import { HEALTH_STATUSES, HealthStatus, isCalendarDate, MAX_YUAN, ObligationState, ProgressSource } from './partnership-rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);
const trimAll = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : v)) : value);

@ValidatorConstraint({ name: 'calendarDate' })
class CalendarDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isCalendarDate(value);
  }
  defaultMessage(args?: ValidationArguments): string {
    return `${args?.property ?? '日期'} 须为有效日期，格式 YYYY-MM-DD`;
  }
}
/** A real calendar day as 'YYYY-MM-DD' (Asia/Shanghai). */
const IsCalendarDate = () => Validate(CalendarDateConstraint);

/** Yuan, positive, at most two decimals. */
const IsYuan = () => IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 });

// ---- params and queries ----

export class PartnershipIdParam {
  @IsString() @MaxLength(36)
  id: string;
}

export class TeamMemberParam extends PartnershipIdParam {
  @IsString() @MaxLength(36)
  memberId: string;
}

export class ObligationParam extends PartnershipIdParam {
  @IsString() @MaxLength(36)
  obligationId: string;
}

export class ListPartnershipsQuery extends PageQuery {
  @IsOptional() @IsIn(PARTNERSHIP_KINDS)
  kind?: PartnershipKind;

  @IsOptional() @IsIn(PARTNERSHIP_STATUSES)
  status?: PartnershipStatus;

  /** Partnerships with a member school in this county. */
  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  /** Partnerships this school takes part in (either side). */
  @IsOptional() @IsString() @MaxLength(36)
  schoolId?: string;
}

export class ObligationsQuery {
  /** Defaults to the term covering today. */
  @IsOptional() @IsString() @MaxLength(36)
  termId?: string;
}

// ---- partnership ----

export class CreatePartnershipDto {
  @IsIn(PARTNERSHIP_KINDS)
  kind: PartnershipKind;

  /** Defaults to "<mentor side> → <member side>（<kind>）". */
  @IsOptional() @IsString() @Transform(trim) @MinLength(2) @MaxLength(200)
  name?: string;

  /** Education groups only (and required for them). */
  @IsOptional() @IsIn(GROUP_MODELS)
  groupModel?: GroupModel;

  @IsCalendarDate()
  startDate: string;

  @IsCalendarDate()
  endDate: string;

  @IsOptional() @IsArray() @ArrayMaxSize(20) @Transform(trimAll) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(300, { each: true })
  goals?: string[];

  @IsOptional() @IsString() @Transform(trim) @MaxLength(1000)
  description?: string;

  /** Mentor organizations (school, external school or university); not for teacher pairing. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @IsString({ each: true }) @MaxLength(36, { each: true })
  mentorOrganizationIds?: string[];

  /** Member schools; not for teacher pairing. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(36, { each: true })
  memberOrganizationIds?: string[];

  /** Teacher pairing: the experienced mentor teacher. */
  @IsOptional() @IsString() @MaxLength(36)
  mentorTeacherUserId?: string;

  /** Teacher pairing: the young teachers paired with the mentor. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(36, { each: true })
  menteeTeacherUserIds?: string[];

  /** Special fund budget in yuan. */
  @IsOptional() @IsYuan() @Min(0) @Max(MAX_YUAN)
  fundBudget?: number;
}

/** Every field optional. `fundBudget: null` removes a fund with nothing disbursed. Kind and status do not change here. */
export class UpdatePartnershipDto {
  @ValidateIf((_, v) => v !== undefined) @IsString() @Transform(trim) @MinLength(2) @MaxLength(200)
  name?: string;

  @IsOptional() @IsIn(GROUP_MODELS)
  groupModel?: GroupModel | null;

  @ValidateIf((_, v) => v !== undefined) @IsCalendarDate()
  startDate?: string;

  @ValidateIf((_, v) => v !== undefined) @IsCalendarDate()
  endDate?: string;

  @ValidateIf((_, v) => v !== undefined) @IsArray() @ArrayMaxSize(20) @Transform(trimAll) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(300, { each: true })
  goals?: string[];

  @IsOptional() @IsString() @Transform(trim) @MaxLength(1000)
  description?: string | null;

  @ValidateIf((_, v) => v !== undefined) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @IsString({ each: true }) @MaxLength(36, { each: true })
  mentorOrganizationIds?: string[];

  @ValidateIf((_, v) => v !== undefined) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(36, { each: true })
  memberOrganizationIds?: string[];

  @ValidateIf((_, v) => v !== undefined) @IsString() @MaxLength(36)
  mentorTeacherUserId?: string;

  @ValidateIf((_, v) => v !== undefined) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(36, { each: true })
  menteeTeacherUserIds?: string[];

  @IsOptional() @IsYuan() @Min(0) @Max(MAX_YUAN)
  fundBudget?: number | null;
}

export class TransitionDto {
  @IsIn(PARTNERSHIP_STATUSES)
  to: PartnershipStatus;

  @IsString() @Transform(trim) @MinLength(2) @MaxLength(500)
  reason: string;
}

// ---- sub-resources ----

export class CreateTeamMemberDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(50)
  personName: string;

  @IsOptional() @IsString() @MaxLength(36)
  userId?: string;

  @IsIn(TEAM_ROLES)
  role: TeamRole;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(20)
  subject?: string;

  @IsString() @MaxLength(36)
  homeOrganizationId: string;

  @IsCalendarDate()
  onSiteFrom: string;

  @IsOptional() @IsCalendarDate()
  onSiteTo?: string;
}

export class UpdateTeamMemberDto {
  @ValidateIf((_, v) => v !== undefined) @IsIn(TEAM_ROLES)
  role?: TeamRole;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(20)
  subject?: string | null;

  @ValidateIf((_, v) => v !== undefined) @IsCalendarDate()
  onSiteFrom?: string;

  /** null: back on site. */
  @ValidateIf((_, v) => v !== undefined && v !== null) @IsCalendarDate()
  onSiteTo?: string | null;
}

export class CreateDisbursementDto {
  /** Yuan, more than 0. */
  @IsYuan() @Min(0.01) @Max(MAX_YUAN)
  amount: number;

  @IsString() @Transform(trim) @MinLength(2) @MaxLength(200)
  purpose: string;

  @IsCalendarDate()
  disbursedOn: string;
}

export class CreateCommendationDto {
  @IsIn(COMMENDATION_RECIPIENTS)
  recipientKind: CommendationRecipient;

  /** recipientKind school: a school of the partnership. */
  @IsOptional() @IsString() @MaxLength(36)
  organizationId?: string;

  /** recipientKind person: a member of the dispatched team (or give personName). */
  @IsOptional() @IsString() @MaxLength(36)
  teamMemberId?: string;

  /** recipientKind person without a team member record, or a name for the team. */
  @IsOptional() @IsString() @Transform(trim) @MinLength(1) @MaxLength(100)
  personName?: string;

  /** e.g. 优秀帮扶团队 */
  @IsString() @Transform(trim) @MinLength(2) @MaxLength(100)
  title: string;

  @IsString() @Transform(trim) @MinLength(2) @MaxLength(500)
  reason: string;

  @IsCalendarDate()
  awardedOn: string;
}

export class CreateObligationInput {
  @IsIn(OBLIGATION_KINDS)
  kind: ObligationKind;

  /** At least this many in the term. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  target: number;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  note?: string;
}

export class CreateTermDto {
  /** e.g. 2026-2027学年第一学期 */
  @IsString() @Transform(trim) @MinLength(2) @MaxLength(50)
  label: string;

  @IsCalendarDate()
  startDate: string;

  @IsCalendarDate()
  endDate: string;

  /** At most one per kind. */
  @IsOptional() @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => CreateObligationInput)
  obligations?: CreateObligationInput[];
}

export class CreateObligationDto extends CreateObligationInput {
  @IsString() @MaxLength(36)
  termId: string;
}

export class UpdateObligationDto {
  @ValidateIf((_, v) => v !== undefined) @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  target?: number;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  note?: string | null;
}

export class CreateVisitDto {
  /** The member school visited. */
  @IsString() @MaxLength(36)
  schoolId: string;

  @IsCalendarDate()
  visitDate: string;

  /** Who came, e.g. 周文博等3人 */
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  visitors: string;

  @IsString() @Transform(trim) @MinLength(2) @MaxLength(200)
  purpose: string;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(2000)
  summary?: string;
}

// ---- responses ----

export class PartyView {
  organizationId: string;
  organizationName: string;
  organizationKind: string;
  countyId: string | null;
  /** Teacher pairing: the person. */
  userId: string | null;
  userName: string | null;
}

export class FundView {
  /** Yuan; null while no fund is set up. */
  budget: number | null;
  disbursed: number;
  remaining: number | null;
}

export class HealthView {
  @ApiProperty({ enum: HEALTH_STATUSES })
  status: HealthStatus;
  label: string;
  reasons: string[];
  /** The term the health is judged on. */
  termId: string | null;
  termLabel: string | null;
}

export class PartnershipView {
  id: string;
  name: string;
  @ApiProperty({ enum: PARTNERSHIP_KINDS })
  kind: PartnershipKind;
  kindLabel: string;
  @ApiProperty({ enum: GROUP_MODELS, nullable: true })
  groupModel: GroupModel | null;
  @ApiProperty({ enum: PARTNERSHIP_STATUSES })
  status: PartnershipStatus;
  statusLabel: string;
  startDate: string;
  endDate: string;
  goals: string[];
  description: string | null;
  mentorSide: PartyView[];
  memberSide: PartyView[];
  fund: FundView;
  health: HealthView;
  createdAt: Date;
  updatedAt: Date;
}

export class PartnershipPage {
  items: PartnershipView[];
  total: number;
  page: number;
  limit: number;
}

export class TransitionView {
  seq: number;
  @ApiProperty({ enum: PARTNERSHIP_STATUSES, nullable: true })
  from: PartnershipStatus | null;
  @ApiProperty({ enum: PARTNERSHIP_STATUSES })
  to: PartnershipStatus;
  reason: string;
  actorId: string | null;
  actorName: string;
  actorRole: string | null;
  at: Date;
}

export class TeamMemberView {
  id: string;
  personName: string;
  userId: string | null;
  @ApiProperty({ enum: TEAM_ROLES })
  role: TeamRole;
  roleLabel: string;
  subject: string | null;
  homeOrganizationId: string;
  homeOrganizationName: string;
  onSiteFrom: string;
  onSiteTo: string | null;
}

export class DisbursementView {
  id: string;
  amount: number;
  purpose: string;
  disbursedOn: string;
  recordedById: string | null;
  createdAt: Date;
}

export class FundDetailView extends FundView {
  disbursements: DisbursementView[];
}

export class CommendationView {
  id: string;
  @ApiProperty({ enum: COMMENDATION_RECIPIENTS })
  recipientKind: CommendationRecipient;
  recipientName: string;
  organizationId: string | null;
  teamMemberId: string | null;
  title: string;
  reason: string;
  awardedOn: string;
  grantedById: string | null;
}

export class ObligationView {
  id: string;
  termId: string;
  @ApiProperty({ enum: OBLIGATION_KINDS })
  kind: ObligationKind;
  label: string;
  target: number;
  note: string | null;
  done: number;
  /** recorded: counted from this platform's records; not_yet_tracked: the feature that records them is not built yet (done is 0). */
  @ApiProperty({ enum: ['recorded', 'not_yet_tracked'] })
  source: ProgressSource;
  expectedByNow: number;
  @ApiProperty({ enum: ['met', 'on_track', 'at_risk', 'behind', 'not_tracked'] })
  state: ObligationState;
}

export class TermView {
  id: string;
  label: string;
  startDate: string;
  endDate: string;
  current: boolean;
  obligations: ObligationView[];
}

export class TermList {
  items: TermView[];
}

export class ObligationProgressView {
  term: TermView | null;
  health: HealthView;
}

export class VisitView {
  id: string;
  schoolId: string;
  schoolName: string;
  visitDate: string;
  visitors: string;
  purpose: string;
  summary: string | null;
  loggedById: string | null;
  createdAt: Date;
}

export class VisitPage {
  items: VisitView[];
  total: number;
  page: number;
  limit: number;
}

export class PartnershipDetailView extends PartnershipView {
  transitions: TransitionView[];
  /** Statuses this partnership may move to next. */
  @ApiProperty({ enum: PARTNERSHIP_STATUSES, isArray: true })
  allowedTransitions: PartnershipStatus[];
  currentTerm: TermView | null;
  team: TeamMemberView[];
  commendations: CommendationView[];
  /** What the caller may do here (for the UI). */
  permissions: { manage: boolean; logVisits: boolean };
}

export class TransitionList {
  items: TransitionView[];
}
export class TeamList {
  items: TeamMemberView[];
}
export class CommendationList {
  items: CommendationView[];
}

/** What the dashboards read (PartnershipsService.healthSummary). */
export interface PartnershipHealthSummary {
  total: number;
  byStatus: Record<PartnershipStatus, number>;
  /** Over all partnerships of the filter; `inactive` counts the ones not active. */
  byHealth: Record<HealthStatus, number>;
  items: {
    id: string;
    name: string;
    kind: PartnershipKind;
    status: PartnershipStatus;
    health: HealthStatus;
    healthLabel: string;
    memberSchools: { id: string; name: string; countyId: string | null }[];
  }[];
}
