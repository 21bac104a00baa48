import type { Principal } from '@app/platform';
import {
  findClashes,
  isReminderStale,
  listWindow,
  liveRoomOpen,
  LIVE_OPENS_BEFORE_MS,
  mayHost,
  mayJoin,
  mayModerate,
  overlaps,
  plannedReminders,
  presenterIds,
  reminderJobId,
  SessionAccessFacts,
  shanghaiDateTime,
} from './research-session-rules';
import { termBoundsUtc } from './session-obligation.counter';

const at = (iso: string) => new Date(iso);

describe('overlaps', () => {
  it('is true for intervals sharing time and false for touching ones', () => {
    expect(overlaps(at('2027-03-18T01:00Z'), at('2027-03-18T03:00Z'), at('2027-03-18T02:00Z'), at('2027-03-18T04:00Z'))).toBe(true);
    expect(overlaps(at('2027-03-18T01:00Z'), at('2027-03-18T03:00Z'), at('2027-03-18T01:30Z'), at('2027-03-18T02:00Z'))).toBe(true);
    expect(overlaps(at('2027-03-18T01:00Z'), at('2027-03-18T03:00Z'), at('2027-03-18T03:00Z'), at('2027-03-18T04:00Z'))).toBe(false);
    expect(overlaps(at('2027-03-18T03:00Z'), at('2027-03-18T04:00Z'), at('2027-03-18T01:00Z'), at('2027-03-18T03:00Z'))).toBe(false);
  });
});

describe('findClashes', () => {
  const candidate = { id: 'c', hostOrganizationId: 'H', startsAt: at('2027-03-18T01:00Z'), endsAt: at('2027-03-18T03:00Z'), presenterUserIds: ['u1', 'u2'] };
  const other = (id: string, host: string, s: string, e: string, presenters: string[] = [], status: 'scheduled' | 'cancelled' | 'ended' = 'scheduled') => ({
    id,
    title: id,
    hostOrganizationId: host,
    startsAt: at(s),
    endsAt: at(e),
    status,
    presenterUserIds: presenters,
  });

  it('flags the same host and shared presenters, ignoring cancelled, touching and itself', () => {
    const clashes = findClashes(candidate, [
      other('host-overlap', 'H', '2027-03-18T02:00Z', '2027-03-18T05:00Z'),
      other('host-cancelled', 'H', '2027-03-18T02:00Z', '2027-03-18T05:00Z', [], 'cancelled'),
      other('host-touching', 'H', '2027-03-18T03:00Z', '2027-03-18T05:00Z'),
      other('other-host-presenter', 'X', '2027-03-18T00:30Z', '2027-03-18T01:30Z', ['u2', 'u9']),
      other('other-host-no-presenter', 'X', '2027-03-18T00:30Z', '2027-03-18T01:30Z', ['u9']),
      other('c', 'H', '2027-03-18T01:00Z', '2027-03-18T03:00Z', ['u1']),
    ]);
    expect(clashes.map((c) => [c.type, c.sessionId, c.userId])).toEqual([
      ['host', 'host-overlap', undefined],
      ['presenter', 'other-host-presenter', 'u2'],
    ]);
  });

  it('reports a presenter clash on the host too, once per shared presenter', () => {
    const clashes = findClashes(candidate, [other('both', 'H', '2027-03-18T02:00Z', '2027-03-18T02:30Z', ['u1', 'u2', 'u1'])]);
    expect(clashes.map((c) => [c.type, c.userId])).toEqual([
      ['host', undefined],
      ['presenter', 'u1'],
      ['presenter', 'u2'],
    ]);
  });

  it('finds nothing without overlap', () => {
    expect(findClashes(candidate, [other('later', 'H', '2027-03-19T01:00Z', '2027-03-19T03:00Z', ['u1'])])).toEqual([]);
  });

  it('counts agenda presenters as presenters', () => {
    expect(presenterIds(['a'], [{ title: 'x', presenterUserId: 'b' }, { title: 'y' }, { title: 'z', presenterUserId: 'a' }])).toEqual(['a', 'b']);
  });
});

describe('reminders', () => {
  const starts = at('2027-03-18T01:00:00Z');

  it('plans 24 h and 15 min before, with job ids naming session, offset and start', () => {
    const plan = plannedReminders('s1', starts, at('2027-03-10T00:00Z'));
    expect(plan.map((r) => [r.offset, r.runAt.toISOString(), r.jobId])).toEqual([
      ['24h', '2027-03-17T01:00:00.000Z', `rs-reminder:s1:24h:${starts.getTime()}`],
      ['15m', '2027-03-18T00:45:00.000Z', `rs-reminder:s1:15m:${starts.getTime()}`],
    ]);
    expect(plan[0].delayMs).toBe(at('2027-03-17T01:00Z').getTime() - at('2027-03-10T00:00Z').getTime());
  });

  it('skips reminders already past', () => {
    expect(plannedReminders('s1', starts, at('2027-03-17T12:00Z')).map((r) => r.offset)).toEqual(['15m']);
    expect(plannedReminders('s1', starts, at('2027-03-18T00:50Z'))).toEqual([]);
  });

  it('gives a moved session different job ids', () => {
    expect(reminderJobId('s1', '24h', starts)).not.toBe(reminderJobId('s1', '24h', at('2027-03-18T02:00Z')));
    expect(reminderJobId('s1', '24h', starts)).toMatch(/^[A-Za-z0-9._:@-]+$/);
  });

  it('treats a job as stale when the session moved, was cancelled, ended or is gone', () => {
    expect(isReminderStale({ status: 'scheduled', startsAt: starts }, starts.toISOString())).toBe(false);
    expect(isReminderStale({ status: 'scheduled', startsAt: at('2027-03-18T02:00Z') }, starts.toISOString())).toBe(true);
    expect(isReminderStale({ status: 'cancelled', startsAt: starts }, starts.toISOString())).toBe(true);
    expect(isReminderStale({ status: 'ended', startsAt: starts }, starts.toISOString())).toBe(true);
    expect(isReminderStale(null, starts.toISOString())).toBe(true);
  });
});

describe('access', () => {
  const p = (role: Principal['role'], organizationId: string, userId = 'me'): Principal => ({ userId, username: userId, role, organizationId, countyId: null });
  const facts: SessionAccessFacts = {
    hostOrganizationId: 'jianzhou',
    hostCountyId: 'jiange',
    createdByUserId: 'creator',
    invitedUserIds: ['guest'],
    invitedOrganizationIds: ['dongcheng'],
    invitedCountyIds: ['wangcang'],
    isPartnershipMentor: false,
  };

  it('lets invitees, host staff and coordinators in scope join, and no one else', () => {
    expect(mayJoin(p('teacher', 'jianzhou'), facts)).toBe(true);
    expect(mayJoin(p('teacher', 'dongcheng'), facts)).toBe(true);
    expect(mayJoin(p('teacher', 'elsewhere', 'guest'), facts)).toBe(true);
    expect(mayJoin(p('teacher', 'elsewhere'), facts)).toBe(false);
    expect(mayJoin(p('city_admin', 'city'), facts)).toBe(true);
    expect(mayJoin(p('county_admin', 'jiange'), facts)).toBe(true);
    expect(mayJoin(p('county_admin', 'wangcang'), facts)).toBe(true);
    expect(mayJoin(p('county_admin', 'qingchuan'), facts)).toBe(false);
    expect(mayJoin(p('mentor', 'liemian'), facts)).toBe(false);
    expect(mayJoin(p('mentor', 'liemian'), { ...facts, isPartnershipMentor: true })).toBe(true);
  });

  it('lets the creator, the host school admin and coordinators moderate', () => {
    expect(mayModerate(p('teacher', 'jianzhou', 'creator'), facts)).toBe(true);
    expect(mayModerate(p('school_admin', 'jianzhou'), facts)).toBe(true);
    expect(mayModerate(p('teacher', 'jianzhou'), facts)).toBe(false);
    expect(mayModerate(p('school_admin', 'dongcheng'), facts)).toBe(false);
    expect(mayModerate(p('county_admin', 'jiange'), facts)).toBe(true);
    expect(mayModerate(p('county_admin', 'qingchuan'), facts)).toBe(false);
    expect(mayModerate(p('mentor', 'liemian'), { ...facts, isPartnershipMentor: true })).toBe(false);
  });

  it('lets a school host its own sessions and coordinators host within scope', () => {
    const host = { id: 'jianzhou', countyId: 'jiange' };
    expect(mayHost(p('teacher', 'jianzhou'), host)).toBe(true);
    expect(mayHost(p('teacher', 'dongcheng'), host)).toBe(false);
    expect(mayHost(p('county_admin', 'jiange'), host)).toBe(true);
    expect(mayHost(p('county_admin', 'wangcang'), host)).toBe(false);
    expect(mayHost(p('mentor', 'jianzhou'), host)).toBe(false);
    expect(mayHost(p('city_admin', 'city'), host)).toBe(true);
  });
});

describe('list window and display', () => {
  const now = at('2027-03-01T00:00Z');
  it('defaults to a week back and 90 days on, and refuses inverted or over-long windows', () => {
    const w = listWindow(undefined, undefined, now)!;
    expect(w.from.toISOString()).toBe('2027-02-22T00:00:00.000Z');
    expect((w.to.getTime() - w.from.getTime()) / 86_400_000).toBe(90);
    expect(listWindow(at('2027-03-02Z'), at('2027-03-01Z'), now)).toBeNull();
    expect(listWindow(at('2027-01-01Z'), at('2028-01-03Z'), now)).toBeNull();
    expect(listWindow(at('2027-01-01Z'), at('2027-12-31Z'), now)).not.toBeNull();
  });

  it('shows times in Asia/Shanghai', () => {
    expect(shanghaiDateTime(at('2027-03-18T01:00:00Z'))).toBe('2027-03-18 09:00');
    expect(shanghaiDateTime(at('2027-03-17T16:30:00Z'))).toBe('2027-03-18 00:30');
  });

  it('bounds a term by Shanghai days', () => {
    const b = termBoundsUtc('2026-09-01', '2027-01-31');
    expect(new Date(b.from).toISOString()).toBe('2026-08-31T16:00:00.000Z');
    expect(new Date(b.to).toISOString()).toBe('2027-01-31T16:00:00.000Z');
  });
});

describe('liveRoomOpen', () => {
  const startsAt = new Date('2027-03-18T01:00:00Z');
  it('opens a scheduled session 30 minutes before its start, not earlier', () => {
    expect(liveRoomOpen({ status: 'scheduled', startsAt }, new Date(startsAt.getTime() - LIVE_OPENS_BEFORE_MS))).toBe(true);
    expect(liveRoomOpen({ status: 'scheduled', startsAt }, new Date(startsAt.getTime() - LIVE_OPENS_BEFORE_MS - 1))).toBe(false);
    expect(liveRoomOpen({ status: 'scheduled', startsAt }, new Date(startsAt.getTime() + 3600_000))).toBe(true);
  });

  it('leaves a session that is already live open whatever the time', () => {
    expect(liveRoomOpen({ status: 'live', startsAt }, new Date(startsAt.getTime() - 86_400_000))).toBe(true);
  });
});
