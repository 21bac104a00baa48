import { attendedMinutesOf, clipSpans, creditPerson, creditedHours, mergeSpans, mergeStays } from './attendance-rules';

const MIN = 60_000;
const s = (startMin: number, endMin: number) => ({ start: startMin * MIN, end: endMin * MIN });

describe('mergeSpans', () => {
  it('merges overlapping and touching spans and sorts them', () => {
    expect(mergeSpans([s(30, 40), s(0, 10), s(5, 20), s(20, 25)])).toEqual([s(0, 25), s(30, 40)]);
  });

  it('merges a reconnect gap of up to 2 minutes but not a longer one', () => {
    expect(mergeSpans([s(0, 10), s(12, 20)])).toEqual([s(0, 20)]);
    expect(mergeSpans([s(0, 10), { start: 12 * MIN + 1, end: 20 * MIN }])).toEqual([s(0, 10), { start: 12 * MIN + 1, end: 20 * MIN }]);
  });

  it('keeps a span contained in another and drops empty spans', () => {
    expect(mergeSpans([s(0, 30), s(5, 10), s(40, 40)])).toEqual([s(0, 30)]);
  });

  it('does not mutate its input', () => {
    const input = [s(0, 10), s(5, 20)];
    mergeSpans(input);
    expect(input).toEqual([s(0, 10), s(5, 20)]);
  });
});

describe('mergeStays', () => {
  it('merges a reconnect into one stay that stays open while the last interval is open', () => {
    expect(mergeStays([{ start: 0, end: 10 * MIN }, { start: 10 * MIN + 30_000, end: null }])).toEqual([{ start: 0, end: null }]);
  });

  it('keeps stays apart beyond the reconnect gap, sorted, and closes a stay whose intervals all closed', () => {
    expect(mergeStays([{ start: 30 * MIN, end: null }, s(0, 10), s(11, 20)])).toEqual([s(0, 20), { start: 30 * MIN, end: null }]);
  });

  it('absorbs a closed interval inside an open one (a second tab) and drops empty intervals', () => {
    expect(mergeStays([{ start: 0, end: null }, s(5, 8), s(50, 50)])).toEqual([{ start: 0, end: null }]);
    expect(mergeStays([s(40, 40)])).toEqual([]);
  });
});

describe('clipSpans', () => {
  it('cuts spans to the session window and drops those outside it', () => {
    expect(clipSpans([s(-20, -5), s(-10, 10), s(20, 30), s(50, 70), s(80, 90)], 0, 60 * MIN)).toEqual([s(0, 10), s(20, 30), s(50, 60)]);
  });
});

describe('attendedMinutesOf', () => {
  it('sums whole minutes, rounding down', () => {
    expect(attendedMinutesOf([s(0, 10), { start: 20 * MIN, end: 25 * MIN + 59_000 }])).toBe(15);
  });
});

describe('creditedHours', () => {
  const threshold = { rule: 'threshold' as const, creditHours: 3, minAttendancePercent: 75 };
  const proportional = { rule: 'proportional' as const, creditHours: 3, minAttendancePercent: 75 };

  it('threshold: full hours at exactly the percentage, nothing just below it', () => {
    expect(creditedHours(threshold, 90 * MIN, 120 * MIN)).toBe(3);
    expect(creditedHours(threshold, 90 * MIN - 1, 120 * MIN)).toBe(0);
    expect(creditedHours(threshold, 200 * MIN, 120 * MIN)).toBe(3);
  });

  it('proportional: share of the hours rounded down to 0.5 h, capped at the full hours', () => {
    expect(creditedHours(proportional, 60 * MIN, 120 * MIN)).toBe(1.5);
    expect(creditedHours(proportional, 59 * MIN, 120 * MIN)).toBe(1);
    expect(creditedHours(proportional, 19 * MIN, 120 * MIN)).toBe(0);
    expect(creditedHours(proportional, 500 * MIN, 120 * MIN)).toBe(3);
    expect(creditedHours({ ...proportional, creditHours: 1.25 }, 120 * MIN, 120 * MIN)).toBe(1.25);
  });

  it('no time, no schedule or no hours earn nothing', () => {
    expect(creditedHours(threshold, 0, 120 * MIN)).toBe(0);
    expect(creditedHours(threshold, 60 * MIN, 0)).toBe(0);
    expect(creditedHours({ ...threshold, creditHours: 0 }, 120 * MIN, 120 * MIN)).toBe(0);
  });
});

describe('creditPerson', () => {
  it('merges a reconnect, clips to the window and credits by the rule', () => {
    // Joined 10 min early, dropped for 1 min (reconnect), left for 30 min, came back; session 0-120, ended at 110.
    const raw = [s(-10, 40), s(41, 60), s(90, 130)];
    const result = creditPerson(raw, { start: 0, end: 110 * MIN, scheduledMs: 120 * MIN }, { rule: 'proportional', creditHours: 2, minAttendancePercent: 75 });
    expect(result.spans).toEqual([s(0, 60), s(90, 110)]);
    expect(result.attendedMinutes).toBe(80);
    expect(result.hours).toBe(1); // 2 h x 80/120 = 1.33 -> 1.0
    const strict = creditPerson(raw, { start: 0, end: 110 * MIN, scheduledMs: 120 * MIN }, { rule: 'threshold', creditHours: 2, minAttendancePercent: 75 });
    expect(strict.hours).toBe(0); // 80/120 = 67 % < 75 %
  });
});
