import { autoEndedAt, autoEndJobId, isAutoEndStale, mayBeOnRollCall, plannedAutoEnd, resolveRollCall, rollCallWindow } from './research-session-rules';

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('automatic end', () => {
  const ends = at('2027-03-18T03:00:00Z');

  it('plans the job a grace period after the scheduled end, with an id naming session and end', () => {
    const plan = plannedAutoEnd('s1', ends, 30 * MIN, at('2027-03-18T01:00Z'));
    expect(plan).toEqual({ jobId: `rs-auto-end:s1:${ends.getTime()}`, runAt: at('2027-03-18T03:30Z'), delayMs: 150 * MIN });
    expect(plan.jobId).toMatch(/^[A-Za-z0-9._:@-]+$/);
  });

  it('runs at once (never skipped) when the end plus grace is already past', () => {
    expect(plannedAutoEnd('s1', ends, 30 * MIN, at('2027-03-19T00:00Z')).delayMs).toBe(0);
    expect(plannedAutoEnd('s1', ends, 0, at('2027-03-18T03:00Z')).delayMs).toBe(0);
  });

  it('gives a moved end a different job id', () => {
    expect(autoEndJobId('s1', ends)).not.toBe(autoEndJobId('s1', at('2027-03-18T04:00Z')));
    expect(autoEndJobId('s1', ends)).not.toBe(autoEndJobId('s2', ends));
  });

  it('treats a job as stale when the end moved, or the session ended, was cancelled or is gone', () => {
    expect(isAutoEndStale({ status: 'scheduled', endsAt: ends }, ends.toISOString())).toBe(false);
    expect(isAutoEndStale({ status: 'live', endsAt: ends }, ends.toISOString())).toBe(false);
    expect(isAutoEndStale({ status: 'live', endsAt: at('2027-03-18T04:00Z') }, ends.toISOString())).toBe(true);
    expect(isAutoEndStale({ status: 'ended', endsAt: ends }, ends.toISOString())).toBe(true);
    expect(isAutoEndStale({ status: 'cancelled', endsAt: ends }, ends.toISOString())).toBe(true);
    expect(isAutoEndStale(null, ends.toISOString())).toBe(true);
    expect(isAutoEndStale({ status: 'live', endsAt: ends }, 'not a date')).toBe(true);
  });

  it('records the scheduled end as the end, not the moment the job ran (the grace period earns nothing)', () => {
    expect(autoEndedAt(ends, at('2027-03-18T03:30Z'))).toEqual(ends);
    // A job run early (clock skew) cannot end the session in the future.
    expect(autoEndedAt(ends, at('2027-03-18T02:59Z'))).toEqual(at('2027-03-18T02:59Z'));
  });
});

describe('roll call', () => {
  const facts = { hostOrganizationId: 'jianzhou', invitedUserIds: ['mentor-1'], invitedOrganizationIds: ['dongcheng'] };

  it('lists staff of the host and invited organizations and users invited by name, nobody else', () => {
    expect(mayBeOnRollCall({ id: 'a', organizationId: 'jianzhou' }, facts)).toBe(true);
    expect(mayBeOnRollCall({ id: 'b', organizationId: 'dongcheng' }, facts)).toBe(true);
    expect(mayBeOnRollCall({ id: 'mentor-1', organizationId: 'liemian' }, facts)).toBe(true);
    expect(mayBeOnRollCall({ id: 'c', organizationId: 'liemian' }, facts)).toBe(false);
  });

  const session = { startsAt: at('2027-03-18T01:00Z'), endsAt: at('2027-03-18T03:00Z'), endedAt: null };

  it('uses the scheduled window, or the actual end once ended', () => {
    expect(rollCallWindow(session)).toEqual({ start: session.startsAt, end: session.endsAt });
    expect(rollCallWindow({ ...session, endedAt: at('2027-03-18T02:30Z') })).toEqual({ start: session.startsAt, end: at('2027-03-18T02:30Z') });
  });

  it('fills missing times from the window', () => {
    const r = resolveRollCall([{ userId: 'a' }, { userId: 'b', joinedAt: at('2027-03-18T02:00Z') }, { userId: 'c', leftAt: at('2027-03-18T01:30Z') }], rollCallWindow(session));
    expect(r).toEqual({
      ok: true,
      intervals: [
        { userId: 'a', joinedAt: session.startsAt, leftAt: session.endsAt },
        { userId: 'b', joinedAt: at('2027-03-18T02:00Z'), leftAt: session.endsAt },
        { userId: 'c', joinedAt: session.startsAt, leftAt: at('2027-03-18T01:30Z') },
      ],
    });
  });

  it('names the entries that are empty, reversed or outside the window', () => {
    const r = resolveRollCall(
      [
        { userId: 'ok' },
        { userId: 'reversed', joinedAt: at('2027-03-18T02:00Z'), leftAt: at('2027-03-18T01:30Z') },
        { userId: 'empty', joinedAt: at('2027-03-18T02:00Z'), leftAt: at('2027-03-18T02:00Z') },
        { userId: 'early', joinedAt: at('2027-03-18T00:59Z') },
        { userId: 'late', leftAt: at('2027-03-18T03:01Z') },
        { userId: 'after-start', joinedAt: at('2027-03-18T03:00Z') },
      ],
      rollCallWindow(session),
    );
    expect(r).toEqual({ ok: false, invalid: [1, 2, 3, 4, 5] });
  });
});
