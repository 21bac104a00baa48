import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '@app/platform';
import {
  COMPUTED_SOURCES,
  ComputedSource,
  INDICATOR_CADENCES,
  INDICATOR_DIRECTIONS,
  INDICATOR_LEVELS,
  IndicatorCadence,
  IndicatorDirection,
  IndicatorLevel,
} from './indicator-definition.entity';
import { INDICATOR_STATUSES, IndicatorStatus, TrendDirection } from './indicator-rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);

export const YEAR_LIMITS = { min: 2000, max: 2100 } as const;
export const VALUE_LIMITS = { min: 0, max: 1_000_000_000 } as const;

export class ListIndicatorsQuery extends PageQuery {
  @IsOptional() @IsIn(INDICATOR_LEVELS)
  level?: IndicatorLevel;
}

export class IndicatorKeyParam {
  /** e.g. teacher_student_ratio */
  @IsString() @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  key: string;
}

export class IndicatorStatusQuery {
  /** A school, a county, or a city unit (市教育局); defaults to the caller's own organization. */
  @IsOptional() @IsString() @MaxLength(36)
  organizationId?: string;

  /** School year (the year it starts, 2025 = 2025-2026); defaults to the current one. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(YEAR_LIMITS.min) @Max(YEAR_LIMITS.max)
  year?: number;
}

export class EnterIndicatorValueDto {
  @IsString() @MaxLength(36)
  organizationId: string;

  /** School year (the year it starts). */
  @IsInt() @Min(YEAR_LIMITS.min) @Max(YEAR_LIMITS.max)
  year: number;

  /** In the indicator's unit; percentages as 0-100; done/not done as 1/0. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }) @Min(VALUE_LIMITS.min) @Max(VALUE_LIMITS.max)
  value: number;

  /** Where the figure comes from, e.g. 剑阁县教育局2025年教育事业统计 */
  @IsString() @Transform(trim) @MinLength(1) @MaxLength(200)
  source: string;
}

// ---- responses ----

export class IndicatorDefinitionView {
  id: string;
  key: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  @ApiProperty({ enum: INDICATOR_DIRECTIONS })
  direction: IndicatorDirection;
  target: number | null;
  deadlineYear: number | null;
  @ApiProperty({ enum: INDICATOR_CADENCES })
  cadence: IndicatorCadence;
  @ApiProperty({ enum: INDICATOR_LEVELS })
  level: IndicatorLevel;
  @ApiProperty({ enum: COMPUTED_SOURCES, nullable: true })
  computedFrom: ComputedSource | null;
  /** True when the value is computed from the schools' yearly figures; false when it is entered with a source. */
  computed: boolean;
  neverLowered: boolean;
  note: string | null;
}

export class IndicatorDefinitionPage {
  items: IndicatorDefinitionView[];
  total: number;
  page: number;
  limit: number;
}

export class IndicatorValueView {
  id: string;
  key: string;
  organizationId: string;
  year: number;
  value: number;
  source: string;
  enteredById: string | null;
  @ApiProperty({ enum: INDICATOR_STATUSES })
  status: IndicatorStatus;
  /** False when this replaced an earlier value of the same year. */
  created: boolean;
  updatedAt: Date;
}

export class TrendPointView {
  year: number;
  value: number;
  @ApiProperty({ enum: INDICATOR_STATUSES })
  status: IndicatorStatus;
}

export class TrendView {
  points: TrendPointView[];
  @ApiProperty({ enum: ['improving', 'worsening', 'steady'], nullable: true })
  direction: TrendDirection | null;
}

export class RollupMemberView {
  organizationId: string;
  name: string;
  value: number | null;
  @ApiProperty({ enum: INDICATOR_STATUSES })
  status: IndicatorStatus;
}

export class RollupView {
  @ApiProperty({ enum: ['schools', 'counties'] })
  of: 'schools' | 'counties';
  total: number;
  onTarget: number;
  offTarget: number;
  noData: number;
  /** Percentage of members with data that are on target. */
  shareOnTarget: number | null;
  members: RollupMemberView[];
}

export class IndicatorStatusItem extends IndicatorDefinitionView {
  /** own: the organization's own value; rollup: its schools' or counties' values summarised (value = share on target, %). */
  @ApiProperty({ enum: ['own', 'rollup'] })
  basis: 'own' | 'rollup';
  year: number;
  value: number | null;
  /** The unit of `value`: the indicator's own unit, or '%' for a roll-up (share of members on target). */
  valueUnit: string;
  @ApiProperty({ enum: INDICATOR_STATUSES })
  status: IndicatorStatus;
  /** 'school_year_stats' for computed values, the entered source otherwise, null without a value. */
  source: string | null;
  /** "Never lowered" indicators: the value fell below the previous year's. */
  lowered: boolean;
  /** Whether the target applies in this year (a deadline target from its deadline year on). */
  due: boolean;
  rollup: RollupView | null;
  trend: TrendView;
}

export class IndicatorOrganizationRef {
  id: string;
  name: string;
  kind: string;
}

export class IndicatorStatusSummary {
  onTarget: number;
  offTarget: number;
  noData: number;
}

export class IndicatorStatusReport {
  @ApiProperty({ enum: ['school', 'county', 'city'] })
  view: 'school' | 'county' | 'city';
  /** Null for the city-wide view asked for without an organization. */
  organization: IndicatorOrganizationRef | null;
  year: number;
  summary: IndicatorStatusSummary;
  items: IndicatorStatusItem[];
}
