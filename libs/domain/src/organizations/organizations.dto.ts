import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '@app/platform';
import {
  Designation,
  DESIGNATIONS,
  Locality,
  LOCALITIES,
  ORGANIZATION_KINDS,
  OrganizationKind,
  Ownership,
  OWNERSHIPS,
} from './organization.entity';
import { STATS_LIMITS } from './stats-limits';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);
/** Query strings are text: "true"/"false" (and 1/0) become booleans; anything else stays and fails @IsBoolean. */
const queryBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const CODE_PATTERN = /^[0-9A-Za-z-]{1,32}$/;

export class ListOrganizationsQuery extends PageQuery {
  @IsOptional() @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;

  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  /** Part of the name (or the school code), e.g. 剑州 */
  @IsOptional() @IsString() @Transform(trim) @MaxLength(50)
  q?: string;

  @IsOptional() @Transform(queryBool) @IsBoolean()
  isWeak?: boolean;
}

export class OrganizationIdParam {
  @IsString() @MaxLength(36)
  id: string;
}

export class StatsYearParam extends OrganizationIdParam {
  /** The year the school year starts (2025 = 2025-2026). */
  @Type(() => Number) @IsInt() @Min(STATS_LIMITS.year.min) @Max(STATS_LIMITS.year.max)
  year: number;
}

export class CreateOrganizationDto {
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(100)
  name: string;

  @IsIn(ORGANIZATION_KINDS)
  kind: OrganizationKind;

  /** Required for a school: the id of its county. A county admin may leave it out (their own county is used). */
  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string;

  /** 学校代码 */
  @IsOptional() @IsString() @Matches(CODE_PATTERN, { message: 'code 只能包含字母、数字和连字符（最多 32 位）' })
  code?: string;

  @IsOptional() @IsIn(OWNERSHIPS)
  ownership?: Ownership;

  @IsOptional() @IsIn(LOCALITIES)
  locality?: Locality;

  @IsOptional() @IsIn(DESIGNATIONS)
  designation?: Designation;

  @IsOptional() @IsBoolean()
  isWeak?: boolean;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  location?: string;
}

/** Every field optional; `null` clears countyId, code, ownership, locality, designation or location. */
export class UpdateOrganizationDto {
  @ValidateIf((_, value) => value !== undefined) @IsString() @Transform(trim) @MinLength(1) @MaxLength(100)
  name?: string;

  @ValidateIf((_, value) => value !== undefined) @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;

  @IsOptional() @IsString() @MaxLength(36)
  countyId?: string | null;

  @IsOptional() @IsString() @Matches(CODE_PATTERN, { message: 'code 只能包含字母、数字和连字符（最多 32 位）' })
  code?: string | null;

  @IsOptional() @IsIn(OWNERSHIPS)
  ownership?: Ownership | null;

  @IsOptional() @IsIn(LOCALITIES)
  locality?: Locality | null;

  @IsOptional() @IsIn(DESIGNATIONS)
  designation?: Designation | null;

  // null is not "unknown" here: a school is weak or it is not.
  @ValidateIf((_, value) => value !== undefined) @IsBoolean()
  isWeak?: boolean;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(200)
  location?: string | null;
}

export class PutSchoolYearStatsDto {
  /** 在校学生数 */
  @IsInt() @Min(STATS_LIMITS.students.min) @Max(STATS_LIMITS.students.max)
  students: number;

  /** 班级数 */
  @IsInt() @Min(STATS_LIMITS.classes.min) @Max(STATS_LIMITS.classes.max)
  classes: number;

  /** 专任教师数 */
  @IsInt() @Min(STATS_LIMITS.teachers.min) @Max(STATS_LIMITS.teachers.max)
  teachers: number;

  /** 最大班额 */
  @IsInt() @Min(STATS_LIMITS.largestClass.min) @Max(STATS_LIMITS.largestClass.max)
  largestClass: number;

  /** 生均公用经费（元/年） */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(STATS_LIMITS.perStudentFunding.min)
  @Max(STATS_LIMITS.perStudentFunding.max)
  perStudentFunding: number;

  /** 起始年级最大班额 */
  @IsOptional() @IsInt() @Min(STATS_LIMITS.newEntryLargestClass.min) @Max(STATS_LIMITS.newEntryLargestClass.max)
  newEntryLargestClass?: number | null;

  /** 教研员人数 */
  @IsOptional() @IsInt() @Min(STATS_LIMITS.researchers.min) @Max(STATS_LIMITS.researchers.max)
  researchers?: number | null;

  @IsOptional() @IsString() @Transform(trim) @MaxLength(500)
  notes?: string | null;
}

export class ImportTemplateQuery {
  @IsOptional() @IsIn(['xlsx', 'csv'])
  format: 'xlsx' | 'csv' = 'xlsx';
}

// ---- responses ----

export class OrganizationView {
  id: string;
  name: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS })
  kind: OrganizationKind;
  countyId: string | null;
  countyName: string | null;
  code: string | null;
  @ApiProperty({ enum: OWNERSHIPS, nullable: true })
  ownership: Ownership | null;
  @ApiProperty({ enum: LOCALITIES, nullable: true })
  locality: Locality | null;
  @ApiProperty({ enum: DESIGNATIONS, nullable: true })
  designation: Designation | null;
  isWeak: boolean;
  location: string | null;
}

export class OrganizationPage {
  items: OrganizationView[];
  total: number;
  page: number;
  limit: number;
}

export class SchoolYearStatsView {
  organizationId: string;
  year: number;
  students: number;
  classes: number;
  teachers: number;
  largestClass: number;
  perStudentFunding: number;
  newEntryLargestClass: number | null;
  researchers: number | null;
  notes: string | null;
  updatedById: string | null;
  updatedAt: Date;
}

export class SchoolYearStatsList {
  items: SchoolYearStatsView[];
}

export class SchoolCounts {
  /** Schools whose county is this one. */
  schools: number;
  /** Of those, the ones flagged 薄弱学校. */
  weakSchools: number;
}

export class OrganizationDetailView extends OrganizationView {
  /** The most recent year's figures (schools only). */
  latestStats: SchoolYearStatsView | null;
  /** Counts of the county's schools (counties only). */
  schoolCounts: SchoolCounts | null;
  createdAt: Date;
  updatedAt: Date;
}

export class ImportResultView {
  created: number;
  updated: number;
  statsUpserted: number;
  /** Data rows read from the file. */
  rows: number;
}
