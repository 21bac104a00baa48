import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { DASHBOARD_LEVELS } from './dashboard-scope';
import type { DashboardLevel } from './dashboard-scope';

export class DashboardQuery {
  /** A county (city admins: any; county coordinators: their own, the default). */
  @IsOptional() @IsUUID('all')
  countyId?: string;

  /** A school (within the caller's scope; school admins and teachers: their own, the default; mentors: a mentee school). */
  @IsOptional() @IsUUID('all')
  schoolId?: string;
}

// ---- responses ----

export class OrgNameRef {
  id: string;
  name: string;
}

export class DashboardScopeView {
  @ApiProperty({ enum: DASHBOARD_LEVELS })
  level: DashboardLevel;
  /** The county viewed, or the viewed school's county; null for the city. */
  @ApiProperty({ type: OrgNameRef, nullable: true })
  county: OrgNameRef | null;
  @ApiProperty({ type: OrgNameRef, nullable: true })
  school: OrgNameRef | null;
  /** Chinese name of the scope (广元市, a county, a school). */
  name: string;
}

export class MeasuresByStatusView {
  not_started: number;
  in_progress: number;
  done: number;
  blocked: number;
}

export class MeasureFiguresView {
  /** Active plans. */
  plans: number;
  measures: number;
  byStatus: MeasuresByStatusView;
  /** Past the due date (Asia/Shanghai) and not done. */
  overdue: number;
  /** Close requested, waiting for a coordinator's sign-off. */
  awaitingReview: number;
  done: number;
  /** Signed off on or before the due date. */
  doneOnTime: number;
  doneLate: number;
  /** doneOnTime / done (0..1, 4 places); null while nothing is done. */
  @ApiProperty({ type: Number, nullable: true })
  onTimeShare: number | null;
}

export class IndicatorSummaryView {
  onTarget: number;
  offTarget: number;
  noData: number;
}

export class IndicatorFigureItemView {
  key: string;
  nameZh: string;
  /** The indicator's unit (of its target). */
  unit: string;
  /** Unit of `value`: the indicator's own, or '%' for a roll-up. */
  valueUnit: string;
  @ApiProperty({ enum: ['school', 'county', 'city'] })
  level: string;
  @ApiProperty({ enum: ['at_least', 'at_most', 'done'] })
  direction: string;
  @ApiProperty({ type: Number, nullable: true })
  target: number | null;
  @ApiProperty({ enum: ['own', 'rollup'] })
  basis: 'own' | 'rollup';
  @ApiProperty({ type: Number, nullable: true })
  value: number | null;
  @ApiProperty({ enum: ['on_target', 'off_target', 'no_data'] })
  status: string;
  onTarget: number;
  offTarget: number;
  noData: number;
}

export class IndicatorFiguresView {
  /** School year the values are for (named by its start: 2025 = 2025-2026). */
  year: number;
  summary: IndicatorSummaryView;
  items: IndicatorFigureItemView[];
}

export class RectificationFiguresView {
  total: number;
  open: number;
  submitted: number;
  closed: number;
  /** open + submitted. */
  notClosed: number;
  /** Open and past the deadline. */
  overdue: number;
}

export class PartnershipFiguresView {
  total: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { proposed: 0, active: 2, suspended: 0, concluded: 0 } })
  byStatus: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { on_track: 1, at_risk: 1, behind: 0, no_data: 0, inactive: 0 } })
  byHealth: Record<string, number>;
}

export class PartnershipHealthItemView {
  id: string;
  name: string;
  kind: string;
  status: string;
  health: string;
  /** Chinese label of the health status. */
  healthLabel: string;
  memberSchools: OrgNameRef[];
}

export class PartnershipSectionView extends PartnershipFiguresView {
  items: PartnershipHealthItemView[];
}

export class BreakdownRowView {
  organization: OrgNameRef;
  measures: MeasureFiguresView;
  rectifications: RectificationFiguresView;
  partnerships: PartnershipFiguresView;
  indicators: IndicatorSummaryView;
}

export class OverdueMeasureView {
  id: string;
  title: string;
  schoolId: string;
  schoolName: string;
  @ApiProperty({ type: String, nullable: true })
  leadUnitName: string | null;
  dueDate: string;
  daysOverdue: number;
  status: string;
}

export class OpenRectificationView {
  id: string;
  title: string;
  @ApiProperty({ type: String, nullable: true })
  organizationName: string | null;
  deadline: string;
  status: string;
  overdue: boolean;
  daysOverdue: number;
}

/**
 * The roll-up of one scope. Breakdown rows are the next level down (counties of the city, schools of a county)
 * in name order; nothing here ranks schools by results, and gaokao results are not part of it at all (POLICY).
 */
export class DashboardView {
  scope: DashboardScopeView;
  /** The Asia/Shanghai day overdue flags are computed for. */
  today: string;
  generatedAt: Date;
  measures: MeasureFiguresView;
  indicators: IndicatorFiguresView;
  rectifications: RectificationFiguresView;
  partnerships: PartnershipSectionView;
  breakdown: BreakdownRowView[];
  /** The most overdue measures first (at most 20). */
  overdueMeasures: OverdueMeasureView[];
  /** Orders not yet closed, overdue first, then by deadline (at most 20). */
  openRectifications: OpenRectificationView[];
}
