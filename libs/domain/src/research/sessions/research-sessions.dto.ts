import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CREDIT_RULES, RESEARCH_SESSION_KINDS, TRAINING_LEVELS } from './research-session.entity';
import type { CreditRule, ResearchSessionKind, ResearchSessionStatus, TrainingLevel } from './research-session.entity';
import { INVITATION_ROLES, RSVP_RESPONSES } from './research-session-links.entity';
import type { InvitationRole, RsvpResponse } from './research-session-links.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** ISO 8601 with an explicit offset or Z; a bare local time is ambiguous and refused. */
const toDate = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)) ? new Date(value) : value;

export const MAX_INVITED = 200;
export const MAX_AGENDA = 50;
export const MAX_RESOURCES = 50;

export class AgendaItemDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  title: string;

  @IsOptional() @IsInt() @Min(1) @Max(24 * 60)
  minutes?: number;

  @IsOptional() @IsUUID('all')
  presenterUserId?: string;
}

export class InvitedUserDto {
  @IsUUID('all')
  userId: string;

  @ApiPropertyOptional({ enum: INVITATION_ROLES, default: 'participant' })
  @IsOptional() @IsIn(INVITATION_ROLES)
  role?: InvitationRole;
}

/** Fields shared by create and edit. Times are ISO 8601 with an offset (stored UTC). */
export class ResearchSessionFieldsDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  title: string;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(30)
  subject?: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2027-03-18T09:00:00+08:00' })
  @Transform(toDate) @IsDate({ message: 'startsAt must be an ISO 8601 date-time with an offset' })
  startsAt: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2027-03-18T11:30:00+08:00' })
  @Transform(toDate) @IsDate({ message: 'endsAt must be an ISO 8601 date-time with an offset' })
  endsAt: Date;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(200)
  venue?: string | null;

  @IsOptional() @IsBoolean()
  online?: boolean;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_AGENDA) @ValidateNested({ each: true }) @Type(() => AgendaItemDto)
  agenda?: AgendaItemDto[];

  @ApiPropertyOptional({ enum: TRAINING_LEVELS, default: 'school' })
  @IsOptional() @IsIn(TRAINING_LEVELS)
  trainingLevel?: TrainingLevel;

  /** Training hours (学时) full attendance earns, 0..100 in steps of 0.5. */
  @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(100)
  creditHours: number;

  @ApiPropertyOptional({ enum: CREDIT_RULES, default: 'threshold' })
  @IsOptional() @IsIn(CREDIT_RULES)
  creditRule?: CreditRule;

  @IsOptional() @IsInt() @Min(1) @Max(100)
  minAttendancePercent?: number;

  /** Library resources linked to the session; the creator must be able to see each. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_RESOURCES) @ArrayUnique() @IsUUID('all', { each: true })
  resourceIds?: string[];
}

export class CreateResearchSessionDto extends ResearchSessionFieldsDto {
  @ApiProperty({ enum: RESEARCH_SESSION_KINDS })
  @IsIn(RESEARCH_SESSION_KINDS)
  kind: ResearchSessionKind;

  @IsUUID('all')
  hostOrganizationId: string;

  /** Links the session to a partnership; without invitedOrganizationIds its member schools are invited. */
  @IsOptional() @IsUUID('all')
  partnershipId?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ArrayUnique() @IsUUID('all', { each: true })
  invitedOrganizationIds?: string[];

  /** User ids (participants), or `invitedUsers` to give roles. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ArrayUnique() @IsUUID('all', { each: true })
  invitedUserIds?: string[];

  /** Users invited as presenter (主讲) or participant. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ValidateNested({ each: true }) @Type(() => InvitedUserDto)
  invitedUsers?: InvitedUserDto[];
}

/** Partial edit by a moderator while the session is scheduled. Invitation lists, when given, replace the old ones. */
export class UpdateResearchSessionDto {
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(30)
  subject?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'startsAt must be an ISO 8601 date-time with an offset' })
  startsAt?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'endsAt must be an ISO 8601 date-time with an offset' })
  endsAt?: Date;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(200)
  venue?: string | null;

  @IsOptional() @IsBoolean()
  online?: boolean;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_AGENDA) @ValidateNested({ each: true }) @Type(() => AgendaItemDto)
  agenda?: AgendaItemDto[];

  @ApiPropertyOptional({ enum: TRAINING_LEVELS })
  @IsOptional() @IsIn(TRAINING_LEVELS)
  trainingLevel?: TrainingLevel;

  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(100)
  creditHours?: number;

  @ApiPropertyOptional({ enum: CREDIT_RULES })
  @IsOptional() @IsIn(CREDIT_RULES)
  creditRule?: CreditRule;

  @IsOptional() @IsInt() @Min(1) @Max(100)
  minAttendancePercent?: number;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_RESOURCES) @ArrayUnique() @IsUUID('all', { each: true })
  resourceIds?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ArrayUnique() @IsUUID('all', { each: true })
  invitedOrganizationIds?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ArrayUnique() @IsUUID('all', { each: true })
  invitedUserIds?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_INVITED) @ValidateNested({ each: true }) @Type(() => InvitedUserDto)
  invitedUsers?: InvitedUserDto[];
}

export class RsvpDto {
  @ApiProperty({ enum: RSVP_RESPONSES })
  @IsIn(RSVP_RESPONSES)
  response: RsvpResponse;
}

export class CancelDto {
  @IsOptional() @Transform(trim) @IsString() @MaxLength(500)
  reason?: string;
}

/** One person on a roll call; missing times default to the session's window (present throughout). */
export class RollCallEntryDto {
  @IsUUID('all')
  userId: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2027-03-18T09:00:00+08:00' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'joinedAt must be an ISO 8601 date-time with an offset' })
  joinedAt?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2027-03-18T11:30:00+08:00' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'leftAt must be an ISO 8601 date-time with an offset' })
  leftAt?: Date;
}

export const MAX_ROLL_CALL = 500;

export class RollCallDto {
  @ApiProperty({ type: [RollCallEntryDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ROLL_CALL) @ValidateNested({ each: true }) @Type(() => RollCallEntryDto)
  entries: RollCallEntryDto[];
}

export class SessionIdParam {
  @IsUUID('all')
  id: string;
}

export class ListSessionsQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'from must be an ISO 8601 date-time with an offset' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @Transform(toDate) @IsDate({ message: 'to must be an ISO 8601 date-time with an offset' })
  to?: Date;
}

export class CalendarTokenParam {
  @IsString() @MinLength(20) @MaxLength(100)
  token: string;
}

// ---- responses ----

export class ClashView {
  @ApiProperty({ enum: ['host', 'presenter'] })
  type: 'host' | 'presenter';
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  userId?: string;
}

export class InvitationView {
  @ApiProperty({ enum: ['organization', 'user'] })
  type: 'organization' | 'user';
  /** The organization or user id. */
  id: string;
  name: string;
  @ApiProperty({ enum: INVITATION_ROLES })
  role: InvitationRole;
  /** The invited user's school (for users). */
  organizationName?: string | null;
}

export class RsvpCountsView {
  accept: number;
  decline: number;
  tentative: number;
}

export class LinkedResourceView {
  id: string;
  title: string;
  type: string;
}

export class ResearchSessionSummaryView {
  id: string;
  @ApiProperty({ enum: RESEARCH_SESSION_KINDS })
  kind: ResearchSessionKind;
  kindLabel: string;
  title: string;
  subject: string | null;
  hostOrganizationId: string;
  hostOrganizationName: string;
  partnershipId: string | null;
  startsAt: Date;
  endsAt: Date;
  /** "2027-03-18 09:00" in Asia/Shanghai. */
  startsAtLocal: string;
  endsAtLocal: string;
  timeZone: string;
  venue: string | null;
  online: boolean;
  trainingLevel: TrainingLevel;
  creditHours: number;
  creditRule: CreditRule;
  minAttendancePercent: number;
  status: ResearchSessionStatus;
  @ApiPropertyOptional({ enum: RSVP_RESPONSES, nullable: true })
  myRsvp: RsvpResponse | null;
}

export class ResearchSessionView extends ResearchSessionSummaryView {
  agenda: AgendaItemDto[];
  currentAgendaIndex: number;
  createdByUserId: string;
  endedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  sequence: number;
  invitations: InvitationView[];
  rsvpCounts: RsvpCountsView;
  clashes: ClashView[];
  resources: LinkedResourceView[];
  canModerate: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export class ResearchSessionListView {
  from: Date;
  to: Date;
  items: ResearchSessionSummaryView[];
  /** True when more sessions overlap the window than were returned (narrow the window). */
  truncated: boolean;
}

export class CalendarFeedView {
  /** Secret subscription URL; a new call rotates it and the old URL stops working. */
  url: string;
}
