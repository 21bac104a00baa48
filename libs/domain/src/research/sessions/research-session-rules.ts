import { PLATFORM_TIME_ZONE, Principal } from '@app/platform';
import type { AgendaItem, ResearchSessionStatus } from './research-session.entity';

/** Half-open intervals [start, end): a session ending at 10:00 does not clash with one starting at 10:00. */
export function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  return aStart.getTime() < bEnd.getTime() && bStart.getTime() < aEnd.getTime();
}

export interface ClashCandidate {
  id?: string;
  hostOrganizationId: string;
  startsAt: Date;
  endsAt: Date;
  /** Users invited as presenter or named as agenda presenters. */
  presenterUserIds: readonly string[];
}

export interface ClashOther {
  id: string;
  title: string;
  hostOrganizationId: string;
  startsAt: Date;
  endsAt: Date;
  status: ResearchSessionStatus;
  presenterUserIds: readonly string[];
}

export interface Clash {
  type: 'host' | 'presenter';
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  userId?: string;
}

/**
 * Clashes are flagged, never blocking: another non-cancelled session of the same host organization overlapping in
 * time, and, per presenter of the candidate, any overlapping non-cancelled session where that user also presents.
 * Ordered by start, host clashes first.
 */
export function findClashes(candidate: ClashCandidate, others: readonly ClashOther[]): Clash[] {
  const out: Clash[] = [];
  const presenters = new Set(candidate.presenterUserIds);
  const sorted = [...others].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
  for (const o of sorted) {
    if (o.id === candidate.id || o.status === 'cancelled') continue;
    if (!overlaps(candidate.startsAt, candidate.endsAt, o.startsAt, o.endsAt)) continue;
    const base = { sessionId: o.id, title: o.title, startsAt: o.startsAt, endsAt: o.endsAt };
    if (o.hostOrganizationId === candidate.hostOrganizationId) out.push({ type: 'host', ...base });
    for (const userId of [...new Set(o.presenterUserIds)].sort()) {
      if (presenters.has(userId)) out.push({ type: 'presenter', ...base, userId });
    }
  }
  return out.sort((a, b) => (a.type === b.type ? 0 : a.type === 'host' ? -1 : 1));
}

/** Presenters of a session: users invited as presenter and users named on agenda items. */
export function presenterIds(invitedPresenters: readonly string[], agenda: readonly AgendaItem[]): string[] {
  return [...new Set([...invitedPresenters, ...agenda.map((a) => a.presenterUserId).filter((id): id is string => !!id)])].sort();
}

// ---- reminders ----

export const REMINDER_OFFSETS = [
  { key: '24h', ms: 24 * 60 * 60 * 1000, label: '24小时后' },
  { key: '15m', ms: 15 * 60 * 1000, label: '15分钟后' },
] as const;
export type ReminderOffset = (typeof REMINDER_OFFSETS)[number]['key'];

/** Names session, offset and start time, so a rescheduled session gets new jobs and a stale one is recognisable. */
export function reminderJobId(sessionId: string, offset: ReminderOffset, startsAt: Date): string {
  return `rs-reminder:${sessionId}:${offset}:${startsAt.getTime()}`;
}

export interface PlannedReminder {
  offset: ReminderOffset;
  jobId: string;
  runAt: Date;
  delayMs: number;
}

/** The reminders still ahead of `now`; those already past are not sent late. */
export function plannedReminders(sessionId: string, startsAt: Date, now: Date = new Date()): PlannedReminder[] {
  return REMINDER_OFFSETS.map((o) => ({ offset: o.key, jobId: reminderJobId(sessionId, o.key, startsAt), runAt: new Date(startsAt.getTime() - o.ms) }))
    .filter((r) => r.runAt.getTime() > now.getTime())
    .map((r) => ({ ...r, delayMs: r.runAt.getTime() - now.getTime() }));
}

/** Every job id a session at `startsAt` may have, past or not (what removal tries). */
export function allReminderJobIds(sessionId: string, startsAt: Date): string[] {
  return REMINDER_OFFSETS.map((o) => reminderJobId(sessionId, o.key, startsAt));
}

/** A reminder job is stale when the session is gone, no longer scheduled, or has moved since it was enqueued. */
export function isReminderStale(session: { status: ResearchSessionStatus; startsAt: Date } | null, jobStartsAt: string): boolean {
  if (!session || (session.status !== 'scheduled' && session.status !== 'live')) return true;
  return session.startsAt.getTime() !== Date.parse(jobStartsAt);
}

// ---- the automatic end ----

/** Names session and scheduled end, so a moved end gets a new job and a job planned for an old end is recognisable. */
export function autoEndJobId(sessionId: string, endsAt: Date): string {
  return `rs-auto-end:${sessionId}:${endsAt.getTime()}`;
}

export interface PlannedAutoEnd {
  jobId: string;
  runAt: Date;
  delayMs: number;
}

/**
 * The job that ends a session the host never ended, `graceMs` after its scheduled end. Unlike a reminder it is
 * never skipped for being past: a session whose end (plus grace) went by while no process ran jobs still has to
 * end, so it runs at once (delay 0).
 */
export function plannedAutoEnd(sessionId: string, endsAt: Date, graceMs: number, now: Date = new Date()): PlannedAutoEnd {
  const runAt = new Date(endsAt.getTime() + graceMs);
  return { jobId: autoEndJobId(sessionId, endsAt), runAt, delayMs: Math.max(0, runAt.getTime() - now.getTime()) };
}

/** An auto-end job is stale when the session is gone, already ended or cancelled, or its end has moved since. */
export function isAutoEndStale(session: { status: ResearchSessionStatus; endsAt: Date } | null, jobEndsAt: string): boolean {
  if (!session || (session.status !== 'scheduled' && session.status !== 'live')) return true;
  return session.endsAt.getTime() !== Date.parse(jobEndsAt);
}

/**
 * When an automatically ended session is recorded as ended: its scheduled end, not the moment the job ran, so
 * people who left the tab open during the grace period are not credited for it (finalise closes open intervals
 * at endedAt and credits up to it). Never later than `now` (a job run early by a skewed clock ends it now).
 */
export function autoEndedAt(endsAt: Date, now: Date = new Date()): Date {
  return new Date(Math.min(endsAt.getTime(), now.getTime()));
}

/** Times a session's delayed jobs hang off: reminders off the start, the automatic end off the end. */
export interface SessionTimes {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

// ---- in-person attendance (roll call) ----

/**
 * Who a moderator may put on a session's roll call: users invited by name and staff of the host or of an invited
 * organization (the people the session is for). Coordinators and mentors observe; they do not earn its hours here.
 */
export function mayBeOnRollCall(user: { id: string; organizationId: string }, f: Pick<SessionAccessFacts, 'hostOrganizationId' | 'invitedUserIds' | 'invitedOrganizationIds'>): boolean {
  return user.organizationId === f.hostOrganizationId || f.invitedUserIds.includes(user.id) || f.invitedOrganizationIds.includes(user.organizationId);
}

export interface RollCallEntry {
  userId: string;
  joinedAt?: Date;
  leftAt?: Date;
}

/** The window a roll call may record: the scheduled start to the scheduled end, or to the actual end once ended. */
export function rollCallWindow(session: { startsAt: Date; endsAt: Date; endedAt: Date | null }): { start: Date; end: Date } {
  return { start: session.startsAt, end: session.endedAt ?? session.endsAt };
}

/**
 * Fills each entry's missing times from the window (present the whole window by default) and checks them: the
 * interval must be non-empty and lie inside the window. Returns the intervals, or the indexes of invalid entries.
 */
export function resolveRollCall(
  entries: readonly RollCallEntry[],
  window: { start: Date; end: Date },
): { ok: true; intervals: { userId: string; joinedAt: Date; leftAt: Date }[] } | { ok: false; invalid: number[] } {
  const intervals = entries.map((e) => ({ userId: e.userId, joinedAt: e.joinedAt ?? window.start, leftAt: e.leftAt ?? window.end }));
  const invalid = intervals
    .map((iv, i) => (iv.leftAt.getTime() <= iv.joinedAt.getTime() || iv.joinedAt.getTime() < window.start.getTime() || iv.leftAt.getTime() > window.end.getTime() ? i : -1))
    .filter((i) => i >= 0);
  return invalid.length ? { ok: false, invalid } : { ok: true, intervals };
}

// ---- access ----

export interface SessionAccessFacts {
  hostOrganizationId: string;
  hostCountyId: string | null;
  createdByUserId: string;
  invitedUserIds: readonly string[];
  invitedOrganizationIds: readonly string[];
  /** Counties of the invited organizations (null for outside bodies). */
  invitedCountyIds: readonly (string | null)[];
  /** Whether the principal is on the mentor side of the linked partnership. */
  isPartnershipMentor: boolean;
}

/**
 * Who may see and join a session: invited users, users of invited organizations, any staff of the host organization,
 * the city, a county coordinator whose county holds the host or an invited organization, and mentors of the linked
 * partnership.
 */
export function mayJoin(p: Principal, f: SessionAccessFacts): boolean {
  if (p.role === 'city_admin') return true;
  if (p.role === 'county_admin') {
    return f.hostOrganizationId === p.organizationId || f.hostCountyId === p.organizationId || f.invitedOrganizationIds.includes(p.organizationId) || f.invitedCountyIds.includes(p.organizationId);
  }
  if (p.organizationId === f.hostOrganizationId || f.invitedUserIds.includes(p.userId) || f.invitedOrganizationIds.includes(p.organizationId)) return true;
  if (p.userId === f.createdByUserId) return true;
  return p.role === 'mentor' && f.isPartnershipMentor;
}

/** Moderators: the creator, the host's school admin, and coordinators who may join. */
export function mayModerate(p: Principal, f: SessionAccessFacts): boolean {
  if (p.userId === f.createdByUserId) return true;
  if (p.role === 'school_admin' && p.organizationId === f.hostOrganizationId) return true;
  if (p.role === 'city_admin' || p.role === 'county_admin') return mayJoin(p, f);
  return false;
}

/** Who may schedule a session hosted by `host`: its school admins and teachers, and coordinators in scope. */
export function mayHost(p: Principal, host: { id: string; countyId: string | null }): boolean {
  switch (p.role) {
    case 'city_admin':
      return true;
    case 'county_admin':
      return host.id === p.organizationId || host.countyId === p.organizationId;
    case 'school_admin':
    case 'teacher':
      return host.id === p.organizationId;
    default:
      return false;
  }
}

// ---- the live room's opening ----

/** How long before its start a scheduled session's live room opens (joining flips it to live, ending edits). */
export const LIVE_OPENS_BEFORE_MS = 30 * 60_000;

/**
 * Whether a session's live room may be entered at `now`: always once live; a scheduled one from
 * LIVE_OPENS_BEFORE_MS before its start. (Without this, an invitee opening the room days ahead would turn the
 * session live, which freezes its schedule: edits, moves and their reminder changes need status scheduled.)
 */
export function liveRoomOpen(session: { status: ResearchSessionStatus; startsAt: Date }, now: Date = new Date()): boolean {
  if (session.status !== 'scheduled') return true;
  return now.getTime() >= session.startsAt.getTime() - LIVE_OPENS_BEFORE_MS;
}

// ---- validation ----

/** Agenda presenter ids must be known; returns the ids to check. Structure is checked by the DTO. */
export function agendaPresenterIds(agenda: readonly AgendaItem[]): string[] {
  return [...new Set(agenda.map((a) => a.presenterUserId).filter((id): id is string => !!id))];
}

export const MAX_WINDOW_DAYS = 366;
export const DEFAULT_WINDOW_DAYS = 90;
const DAY = 24 * 60 * 60 * 1000;

/** The list window: defaults to 7 days ago .. 90 days on; null when invalid (to <= from, or over 366 days). */
export function listWindow(from: Date | undefined, to: Date | undefined, now: Date = new Date()): { from: Date; to: Date } | null {
  const f = from ?? (to ? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY) : new Date(now.getTime() - 7 * DAY));
  const t = to ?? new Date(f.getTime() + DEFAULT_WINDOW_DAYS * DAY);
  if (t.getTime() <= f.getTime() || t.getTime() - f.getTime() > MAX_WINDOW_DAYS * DAY) return null;
  return { from: f, to: t };
}

// ---- display ----

const LOCAL_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: PLATFORM_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "2027-03-18 09:00" in Asia/Shanghai. */
export function shanghaiDateTime(at: Date): string {
  const parts = Object.fromEntries(LOCAL_FORMAT.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export const KIND_LABELS: Record<string, string> = {
  joint_research: '联合教研',
  training_to_county: '送培到县',
  training_to_school: '送培到校',
  demo_lesson: '示范课',
  same_lesson_different_designs: '同课异构',
  thematic_training: '专题培训',
};

export const LEVEL_LABELS: Record<string, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级', school: '校级' };
