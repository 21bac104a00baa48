import { DomainException } from '@app/platform';
import {
  assertCanRequestClose,
  assertDatesInOrder,
  assertStatusChange,
  doneOnTime,
  isCalendarDate,
  overdueOf,
  parseTerm,
  reviewOutcome,
  schoolYearOf,
} from './measure-rules';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainException);
    return (err as DomainException).code;
  }
  return undefined;
}

describe('parseTerm', () => {
  it('reads a school year and a multi-year term', () => {
    expect(parseTerm('2025-2026')).toEqual({ startYear: 2025, endYear: 2026 });
    expect(parseTerm('2021-2025')).toEqual({ startYear: 2021, endYear: 2025 });
  });

  it.each(['2026-2025', '2025-2025', '2020-2030', '1999-2000', '2025', '2025-26', '2025/2026'])('refuses %s', (term) => {
    expect(codeOf(() => parseTerm(term))).toBe('PLAN_TERM_INVALID');
  });
});

describe('schoolYearOf', () => {
  it('starts a new school year in September', () => {
    expect(schoolYearOf('2026-08-31')).toBe('2025-2026');
    expect(schoolYearOf('2026-09-01')).toBe('2026-2027');
    expect(schoolYearOf('2027-01-15')).toBe('2026-2027');
  });
});

describe('isCalendarDate', () => {
  it('accepts real days only', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
  });
});

describe('overdueOf', () => {
  const today = '2026-11-30';

  it('is overdue from the day after the due date until done', () => {
    expect(overdueOf({ dueDate: '2026-11-30', status: 'in_progress' }, today)).toEqual({ overdue: false, daysOverdue: 0 });
    expect(overdueOf({ dueDate: '2026-11-29', status: 'in_progress' }, today)).toEqual({ overdue: true, daysOverdue: 1 });
    expect(overdueOf({ dueDate: '2026-10-31', status: 'not_started' }, today)).toEqual({ overdue: true, daysOverdue: 30 });
    expect(overdueOf({ dueDate: '2026-10-31', status: 'blocked' }, today).overdue).toBe(true);
  });

  it('is never overdue once done', () => {
    expect(overdueOf({ dueDate: '2020-01-01', status: 'done' }, today)).toEqual({ overdue: false, daysOverdue: 0 });
  });

  it('counts across a year end and a leap day', () => {
    expect(overdueOf({ dueDate: '2027-12-31', status: 'in_progress' }, '2028-03-01').daysOverdue).toBe(61);
  });
});

describe('assertDatesInOrder', () => {
  it('refuses a start after the due date', () => {
    expect(codeOf(() => assertDatesInOrder('2026-12-02', '2026-12-01'))).toBe('MEASURE_DATES_OUT_OF_ORDER');
    expect(codeOf(() => assertDatesInOrder('2026-12-01', '2026-12-01'))).toBeUndefined();
    expect(codeOf(() => assertDatesInOrder(null, '2026-12-01'))).toBeUndefined();
  });
});

describe('assertStatusChange', () => {
  it('moves freely between the open statuses', () => {
    expect(codeOf(() => assertStatusChange('not_started', 'in_progress', 'none'))).toBeUndefined();
    expect(codeOf(() => assertStatusChange('in_progress', 'blocked', 'rejected'))).toBeUndefined();
    expect(codeOf(() => assertStatusChange('blocked', 'not_started', 'none'))).toBeUndefined();
  });

  it('never sets done directly and never reopens a done measure', () => {
    expect(codeOf(() => assertStatusChange('in_progress', 'done', 'none'))).toBe('MEASURE_STATUS_NOT_ALLOWED');
    expect(codeOf(() => assertStatusChange('done', 'in_progress', 'approved'))).toBe('MEASURE_CLOSED');
  });

  it('holds the status while a close request waits', () => {
    expect(codeOf(() => assertStatusChange('in_progress', 'blocked', 'pending'))).toBe('MEASURE_REVIEW_PENDING');
    expect(codeOf(() => assertStatusChange('in_progress', 'in_progress', 'pending'))).toBeUndefined();
  });
});

describe('assertCanRequestClose', () => {
  it('needs evidence, an open measure and no request already waiting', () => {
    expect(codeOf(() => assertCanRequestClose({ status: 'in_progress', reviewState: 'none' }, 0))).toBe('MEASURE_EVIDENCE_REQUIRED');
    expect(codeOf(() => assertCanRequestClose({ status: 'in_progress', reviewState: 'pending' }, 3))).toBe('MEASURE_REVIEW_PENDING');
    expect(codeOf(() => assertCanRequestClose({ status: 'done', reviewState: 'approved' }, 3))).toBe('MEASURE_CLOSED');
    expect(codeOf(() => assertCanRequestClose({ status: 'in_progress', reviewState: 'rejected' }, 1))).toBeUndefined();
  });
});

describe('reviewOutcome', () => {
  const pending = { status: 'in_progress' as const, reviewState: 'pending' as const, rejectionReason: null };

  it('approves into done', () => {
    expect(reviewOutcome(pending, 'approve', '')).toEqual({ status: 'done', reviewState: 'approved', rejectionReason: null, closed: true });
  });

  it('rejects back to in progress with the reason kept', () => {
    expect(reviewOutcome(pending, 'reject', '  佐证材料不全 ')).toEqual({ status: 'in_progress', reviewState: 'rejected', rejectionReason: '佐证材料不全', closed: false });
  });

  it('needs a reason to reject and a pending request to decide', () => {
    expect(codeOf(() => reviewOutcome(pending, 'reject', '  '))).toBe('MEASURE_REJECTION_REASON_REQUIRED');
    expect(codeOf(() => reviewOutcome({ ...pending, reviewState: 'rejected' }, 'approve', ''))).toBe('MEASURE_NOT_AWAITING_REVIEW');
    expect(codeOf(() => reviewOutcome({ ...pending, status: 'done', reviewState: 'approved' }, 'approve', ''))).toBe('MEASURE_CLOSED');
  });
});

describe('doneOnTime', () => {
  it('compares the closing day with the due day', () => {
    expect(doneOnTime({ status: 'done', dueDate: '2026-11-30' }, '2026-11-30')).toBe(true);
    expect(doneOnTime({ status: 'done', dueDate: '2026-11-30' }, '2026-12-01')).toBe(false);
    expect(doneOnTime({ status: 'in_progress', dueDate: '2026-11-30' }, null)).toBe(false);
  });
});
