import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { DomainException, isUniqueViolation, shanghaiDate } from '@app/platform';
import { ResearchSession } from '../sessions/research-session.entity';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { AttendanceInterval } from './attendance-interval.entity';
import { TrainingRecord } from './training-record.entity';
import { CreditRule, Span, creditPerson, mergeStays } from './attendance-rules';

export interface AttendanceIntervalView {
  joinedAt: string;
  leftAt: string | null;
}

export interface AttendancePersonView {
  userId: string;
  name: string;
  organizationId: string;
  schoolName: string;
  /** Raw join/leave intervals, oldest first (leftAt null while the person is in the room). */
  intervals: AttendanceIntervalView[];
  /** The same with reconnects (gaps up to 2 min) merged: one entry per stay, unclipped; leftAt null while in the room. */
  mergedIntervals: AttendanceIntervalView[];
  /** Minutes after merging reconnects and clipping to the session window (up to now while it runs). */
  attendedMinutes: number;
  /** The credited hours of the training record once finalised; the hours earned so far before that. */
  creditedHours: number;
  finalised: boolean;
}

export interface AttendanceSummaryView {
  sessionId: string;
  scheduledMinutes: number;
  creditRule: CreditRule;
  creditHours: number;
  minAttendancePercent: number;
  /** True once the session ended and its training records were written. */
  finalised: boolean;
  people: AttendancePersonView[];
}

/**
 * Join/leave intervals of the live room and their conversion into training records (issue 5 item 5). Called by
 * the live gateway (join/leave) and the sessions context (finalise on end, summary for the attendance view);
 * access checks are the callers' job.
 */
@Injectable()
export class AttendanceService {
  constructor(
    @InjectRepository(AttendanceInterval) private readonly intervals: Repository<AttendanceInterval>,
    @InjectRepository(TrainingRecord) private readonly records: Repository<TrainingRecord>,
    @InjectRepository(ResearchSession) private readonly sessions: Repository<ResearchSession>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
  ) {}

  /**
   * Opens an interval unless the user already has an open one for this session. The unique index on the open
   * marker makes a concurrent second insert (another socket, another api instance) fail; that failure means
   * "already open" and is swallowed. True when this call opened it: the live room announces the user then, so
   * presence deltas follow these atomic transitions (one `joined`, one `left`, alternating) whatever races.
   */
  async recordJoin(sessionId: string, who: { userId: string; organizationId: string }, at: Date = new Date()): Promise<boolean> {
    const open = await this.intervals.exists({ where: { sessionId, userId: who.userId, openMarker: 1 } });
    if (open) return false;
    try {
      await this.intervals.insert(this.intervals.create({ sessionId, userId: who.userId, organizationId: who.organizationId, joinedAt: at, leftAt: null, openMarker: 1 }));
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return false;
    }
  }

  /**
   * Closes the user's open interval (no-op when none is open). A leave stamped before the join closes it at the join.
   * True when this call closed it.
   */
  async recordLeave(sessionId: string, userId: string, at: Date = new Date()): Promise<boolean> {
    const open = await this.intervals.findOne({ where: { sessionId, userId, openMarker: 1 } });
    if (!open) return false;
    const leftAt = at < open.joinedAt ? open.joinedAt : at;
    // Conditional on still being open, so a concurrent leave or finalise does not overwrite the first close.
    const res = await this.intervals.update({ id: open.id, openMarker: 1 }, { leftAt, openMarker: null });
    return !!res.affected;
  }

  /**
   * Adds closed intervals recorded by a moderator's roll call (in-person attendance). They sit beside the live
   * room's intervals and are credited by the same rule at finalise (overlaps merge, so nobody counts twice). An
   * interval already stored with the same person and times is skipped, so submitting the same register twice adds
   * nothing. Closed intervals (openMarker null) never collide with the live room's one open interval. Returns how
   * many were added.
   */
  async recordRollCall(sessionId: string, entries: { userId: string; organizationId: string; joinedAt: Date; leftAt: Date }[]): Promise<number> {
    if (!entries.length) return 0;
    const userIds = [...new Set(entries.map((e) => e.userId))];
    const existing = await this.intervals.find({ where: { sessionId, userId: In(userIds) }, select: { userId: true, joinedAt: true, leftAt: true } });
    const key = (userId: string, joinedAt: Date, leftAt: Date | null) => `${userId}|${joinedAt.getTime()}|${leftAt?.getTime() ?? ''}`;
    const seen = new Set(existing.map((r) => key(r.userId, r.joinedAt, r.leftAt)));
    const rows: AttendanceInterval[] = [];
    for (const e of entries) {
      const k = key(e.userId, e.joinedAt, e.leftAt);
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push(this.intervals.create({ sessionId, userId: e.userId, organizationId: e.organizationId, joinedAt: e.joinedAt, leftAt: e.leftAt, openMarker: null }));
    }
    if (rows.length) await this.intervals.save(rows, { chunk: 100 });
    return rows.length;
  }

  /**
   * Closes open intervals at the session's end, merges and clips each person's intervals and writes one
   * training record per attendee (source 'session'; 0 h when the rule credits nothing, as a trace of attendance). Idempotent: records are keyed by (sessionId, userId), so a
   * repeated or concurrent call updates the same rows with the same values.
   */
  async finalise(sessionId: string): Promise<void> {
    const session = await this.requireSession(sessionId);
    const endedAt = session.endedAt ?? new Date();
    await this.intervals
      .createQueryBuilder()
      .update()
      .set({ leftAt: endedAt, openMarker: null })
      .where('sessionId = :sessionId AND openMarker = 1 AND joinedAt <= :endedAt', { sessionId, endedAt })
      .execute();
    // A join stamped after the end (a late socket) closes empty rather than with leftAt before joinedAt.
    await this.intervals
      .createQueryBuilder()
      .update()
      .set({ leftAt: () => 'joinedAt', openMarker: null })
      .where('sessionId = :sessionId AND openMarker = 1', { sessionId })
      .execute();
    const rows = await this.intervals.find({ where: { sessionId }, order: { joinedAt: 'ASC' } });
    const people = this.credit(session, rows, endedAt);
    const activityDate = shanghaiDate(session.startsAt);
    const year = Number(activityDate.slice(0, 4));
    // Someone whose presence lies wholly outside the session window (e.g. joined after it ended) attended nothing.
    for (const p of people.filter((x) => x.present)) {
      const values = {
        organizationId: p.organizationId,
        year,
        activityDate,
        title: session.title,
        level: session.trainingLevel,
        hours: p.hours,
        attendedMinutes: p.attendedMinutes,
      };
      const existing = await this.records.findOne({ where: { sessionId, userId: p.userId }, select: { id: true } });
      if (existing) {
        await this.records.update({ id: existing.id }, values);
        continue;
      }
      try {
        await this.records.insert(this.records.create({ ...values, userId: p.userId, sessionId, source: 'session', enteredByUserId: null, note: null }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // A concurrent finalise inserted it first; write our (identical) values over it.
        await this.records.update({ sessionId, userId: p.userId }, values);
      }
    }
  }

  /** Per person: name, school, intervals, attended minutes, credited hours and whether the record is written. */
  async summary(sessionId: string): Promise<AttendanceSummaryView> {
    const session = await this.requireSession(sessionId);
    const rows = await this.intervals.find({ where: { sessionId }, order: { joinedAt: 'ASC' } });
    const until = session.endedAt ?? new Date();
    const people = this.credit(session, rows, until);
    const userIds = people.map((p) => p.userId);
    const [users, records] = userIds.length
      ? await Promise.all([
          this.users.find({ where: { id: In(userIds) }, select: { id: true, name: true } }),
          this.records.find({ where: { sessionId, userId: In(userIds) } }),
        ])
      : [[], []];
    const orgIds = [...new Set(people.map((p) => p.organizationId))];
    const orgs = orgIds.length ? await this.organizations.find({ where: { id: In(orgIds) }, select: { id: true, name: true } }) : [];
    const nameOf = new Map(users.map((u) => [u.id, u.name]));
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const recordOf = new Map(records.map((r) => [r.userId, r]));
    const view: AttendancePersonView[] = people.map((p) => {
      const record = recordOf.get(p.userId);
      return {
        userId: p.userId,
        name: nameOf.get(p.userId) ?? '',
        organizationId: p.organizationId,
        schoolName: orgName.get(p.organizationId) ?? '',
        intervals: p.raw.map((r) => ({ joinedAt: r.joinedAt.toISOString(), leftAt: r.leftAt ? r.leftAt.toISOString() : null })),
        mergedIntervals: mergeStays(p.raw.map((r) => ({ start: r.joinedAt.getTime(), end: r.leftAt ? r.leftAt.getTime() : null }))).map((m) => ({
          joinedAt: new Date(m.start).toISOString(),
          leftAt: m.end === null ? null : new Date(m.end).toISOString(),
        })),
        attendedMinutes: record?.attendedMinutes ?? p.attendedMinutes,
        creditedHours: record ? record.hours : p.hours,
        // Nothing to write for someone with no time inside the window, so an ended session is final for them too.
        finalised: !!record || (session.status === 'ended' && !p.present),
      };
    });
    view.sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
    return {
      sessionId,
      scheduledMinutes: Math.round((session.endsAt.getTime() - session.startsAt.getTime()) / 60_000),
      creditRule: session.creditRule,
      creditHours: session.creditHours,
      minAttendancePercent: session.minAttendancePercent,
      finalised: session.status === 'ended' && view.every((p) => p.finalised),
      people: view,
    };
  }

  private async requireSession(sessionId: string): Promise<ResearchSession> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session) throw new DomainException('RESEARCH_SESSION_NOT_FOUND');
    return session;
  }

  /** Groups intervals by person (open ones end at `until`) and credits each within [startsAt, until]. */
  private credit(session: ResearchSession, rows: AttendanceInterval[], until: Date) {
    const byUser = new Map<string, AttendanceInterval[]>();
    for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    const start = session.startsAt.getTime();
    const window = { start, end: until.getTime(), scheduledMs: session.endsAt.getTime() - start };
    const policy = { rule: session.creditRule, creditHours: session.creditHours, minAttendancePercent: session.minAttendancePercent };
    return [...byUser.entries()].map(([userId, raw]) => {
      const spans: Span[] = raw.map((r) => ({ start: r.joinedAt.getTime(), end: (r.leftAt ?? until).getTime() }));
      const result = creditPerson(spans, window, policy);
      // The latest interval's organization: the school the person attended from.
      return { userId, organizationId: raw[raw.length - 1].organizationId, raw, present: result.spans.length > 0, attendedMinutes: result.attendedMinutes, hours: result.hours };
    });
  }
}
