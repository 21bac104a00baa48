import { daysBetween, DomainException } from '@app/platform';
import { MeasureStatus, ReviewState } from './measure.entity';

/**
 * The rules of plans and measures as pure functions, so they are unit-tested without a database.
 * Dates are calendar days 'YYYY-MM-DD' in Asia/Shanghai (see @app/platform shanghaiDate).
 */

export const TERM_PATTERN = /^(\d{4})-(\d{4})$/;
/** A plan covers one school year or a few (the 14th Five-Year plan runs to 2025); longer is a typo. */
export const MAX_TERM_YEARS = 5;

/** Parses `2025-2026`; a term whose end is not after its start is "dates out of order". */
export function parseTerm(term: string): { startYear: number; endYear: number } {
  const match = TERM_PATTERN.exec(term);
  if (!match) throw new DomainException('PLAN_TERM_INVALID', '学期/年度格式应为“起始年-结束年”，如 2025-2026', { term });
  const startYear = Number(match[1]);
  const endYear = Number(match[2]);
  if (startYear < 2000 || endYear > 2100) throw new DomainException('PLAN_TERM_INVALID', '年度必须在 2000 到 2100 之间', { term });
  if (endYear <= startYear) throw new DomainException('PLAN_TERM_INVALID', '结束年份必须晚于起始年份', { term });
  if (endYear - startYear > MAX_TERM_YEARS) throw new DomainException('PLAN_TERM_INVALID', `一个规划最多跨 ${MAX_TERM_YEARS} 年`, { term });
  return { startYear, endYear };
}

/** The school year a calendar day falls in: September starts a new one (2026-09-01 -> 2026-2027). */
export function schoolYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const start = month >= 9 ? year : year - 1;
  return `${start}-${start + 1}`;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** A measure's start (optional) may not come after its due date. */
export function assertDatesInOrder(startDate: string | null | undefined, dueDate: string): void {
  if (startDate && startDate > dueDate) {
    throw new DomainException('MEASURE_DATES_OUT_OF_ORDER', undefined, { startDate, dueDate });
  }
}

export interface OverdueFacts {
  overdue: boolean;
  /** Whole days past the due date (0 when not overdue). */
  daysOverdue: number;
}

/** Overdue = due before today (Asia/Shanghai) and not done. Due today is not overdue yet. */
export function overdueOf(measure: { dueDate: string; status: MeasureStatus }, today: string): OverdueFacts {
  if (measure.status === 'done' || measure.dueDate >= today) return { overdue: false, daysOverdue: 0 };
  return { overdue: true, daysOverdue: daysBetween(measure.dueDate, today) };
}

/**
 * Status changes a PATCH may make. `done` is reached only through a coordinator's approval, and a done
 * measure is closed; while a close request waits for sign-off the status stays as it is.
 */
export function assertStatusChange(from: MeasureStatus, to: MeasureStatus, reviewState: ReviewState): void {
  if (from === to) return;
  if (from === 'done') throw new DomainException('MEASURE_CLOSED');
  if (to === 'done') throw new DomainException('MEASURE_STATUS_NOT_ALLOWED', '措施需上传佐证材料并经县区或市级审核通过后才能办结', { from, to });
  if (reviewState === 'pending') throw new DomainException('MEASURE_REVIEW_PENDING', undefined, { from, to });
}

/** A close request needs an open measure, no request already waiting, and at least one evidence file. */
export function assertCanRequestClose(measure: { status: MeasureStatus; reviewState: ReviewState }, evidenceCount: number): void {
  if (measure.status === 'done') throw new DomainException('MEASURE_CLOSED');
  if (measure.reviewState === 'pending') throw new DomainException('MEASURE_REVIEW_PENDING', '该措施已申请办结，正在等待审核');
  if (evidenceCount < 1) throw new DomainException('MEASURE_EVIDENCE_REQUIRED');
}

export type ReviewDecision = 'approve' | 'reject';

export interface ReviewOutcome {
  status: MeasureStatus;
  reviewState: ReviewState;
  rejectionReason: string | null;
  closed: boolean;
}

/** Approve: done and closed. Reject: back to in progress with the reason kept. Only a pending request is reviewed. */
export function reviewOutcome(measure: { status: MeasureStatus; reviewState: ReviewState; rejectionReason: string | null }, decision: ReviewDecision, reason: string): ReviewOutcome {
  if (measure.status === 'done') throw new DomainException('MEASURE_CLOSED');
  if (measure.reviewState !== 'pending') throw new DomainException('MEASURE_NOT_AWAITING_REVIEW');
  if (decision === 'approve') return { status: 'done', reviewState: 'approved', rejectionReason: measure.rejectionReason, closed: true };
  if (!reason.trim()) throw new DomainException('MEASURE_REJECTION_REASON_REQUIRED');
  return { status: 'in_progress', reviewState: 'rejected', rejectionReason: reason.trim(), closed: false };
}

/** Done on time: closed (approved) on or before the due date, both as Asia/Shanghai calendar days. */
export function doneOnTime(measure: { status: MeasureStatus; dueDate: string }, closedOn: string | null): boolean {
  return measure.status === 'done' && closedOn !== null && closedOn <= measure.dueDate;
}
