import { summarize } from './plans-read.service';

// 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Asia/Shanghai.
const lateNightUtc = new Date('2026-11-30T16:30:00Z');

describe('summarize', () => {
  it('counts by status, overdue, awaiting review and done on time', () => {
    const stats = summarize(
      2,
      [
        { status: 'done', dueDate: '2026-12-01', reviewState: 'approved', closedAt: lateNightUtc },
        { status: 'done', dueDate: '2026-11-30', reviewState: 'approved', closedAt: lateNightUtc },
        { status: 'in_progress', dueDate: '2026-11-01', reviewState: 'pending', closedAt: null },
        { status: 'blocked', dueDate: '2027-01-01', reviewState: 'none', closedAt: null },
        { status: 'not_started', dueDate: '2026-11-29', reviewState: 'none', closedAt: null },
      ],
      '2026-11-30',
    );
    expect(stats).toEqual({
      plans: 2,
      measures: 5,
      byStatus: { not_started: 1, in_progress: 1, done: 2, blocked: 1 },
      overdue: 2,
      awaitingReview: 1,
      done: 2,
      // closed on 2026-12-01 in Guangyuan: on time for the first, a day late for the second
      doneOnTime: 1,
      doneLate: 1,
      onTimeShare: 0.5,
    });
  });

  it('has no on-time share before anything is done', () => {
    expect(summarize(0, [], '2026-11-30')).toMatchObject({ measures: 0, done: 0, onTimeShare: null });
  });
});
