import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '@app/platform';
import { TRAINING_LEVELS, TrainingLevel } from '../sessions/research-session.entity';
import type { TrainingSource } from './training-record.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Largest manual entry (a long residential training course); anything above is a typing error. */
export const MAX_MANUAL_HOURS = 200;

// ---- requests ----

export class TrainingUserParam {
  @IsUUID('all')
  id: string;
}

export class TrainingRecordIdParam {
  @IsUUID('all')
  id: string;
}

export class TrainingYearQuery {
  /** Calendar year (Asia/Shanghai); defaults to the current one. */
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100)
  year?: number;
}

export class ShortfallQuery extends PageQuery {
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100)
  year?: number;

  /** A county coordinator: their own county (the default). The city: any county, or all counties when omitted. */
  @IsOptional() @IsUUID('all')
  countyId?: string;
}

/** A training entered by a coordinator (e.g. a provincial course attended outside the platform). */
export class CreateTrainingRecordDto {
  @IsUUID('all')
  userId: string;

  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  title: string;

  @ApiProperty({ enum: TRAINING_LEVELS })
  @IsIn(TRAINING_LEVELS)
  level: TrainingLevel;

  /** Class hours, more than 0 and at most 200, two decimals at most. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }) @Min(0.01) @Max(MAX_MANUAL_HOURS)
  hours: number;

  /** YYYY-MM-DD (Asia/Shanghai), not in the future. */
  @IsString() @Matches(/^\d{4}-\d{2}-\d{2}$/) @IsISO8601({ strict: true })
  activityDate: string;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(500)
  note?: string;
}

// ---- responses ----

export class TrainingRecordView {
  id: string;
  userId: string;
  organizationId: string;
  year: number;
  activityDate: string;
  @ApiProperty({ enum: ['session', 'manual'] })
  source: TrainingSource;
  sessionId: string | null;
  title: string;
  @ApiProperty({ enum: TRAINING_LEVELS })
  level: TrainingLevel;
  hours: number;
  attendedMinutes: number | null;
  enteredByUserId: string | null;
  note: string | null;
  createdAt: string;
}

export class TrainingByLevel {
  national: number;
  provincial: number;
  city: number;
  county: number;
  school: number;
}

export class UserTrainingView {
  userId: string;
  name: string;
  year: number;
  targetHours: number;
  totalHours: number;
  byLevel: TrainingByLevel;
  /** Oldest activity first. */
  records: TrainingRecordView[];
}

export class ShortfallItem {
  userId: string;
  name: string;
  organizationId: string;
  schoolName: string;
  totalHours: number;
  /** targetHours - totalHours. */
  shortfallHours: number;
}

export class ShortfallPage {
  year: number;
  targetHours: number;
  /** The county asked about; null = all counties (city only). */
  countyId: string | null;
  /** Fewest hours first. */
  items: ShortfallItem[];
  total: number;
  page: number;
  limit: number;
}
