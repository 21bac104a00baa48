import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppConfig, DomainException } from '@app/platform';
import { JobQueue, OnJob } from '@app/queue';
import { NotificationsService } from '../../notifications/notifications.service';
import { ResearchSession } from './research-session.entity';
import {
  allReminderJobIds,
  autoEndJobId,
  isReminderStale,
  KIND_LABELS,
  plannedAutoEnd,
  plannedReminders,
  REMINDER_OFFSETS,
  SessionTimes,
  shanghaiDateTime,
} from './research-session-rules';
import { SessionInvitees } from './session-invitees.service';
import { researchSessionReminder } from './jobs/session-reminder.job';
import { researchSessionAutoEnd } from './jobs/session-auto-end.job';

/** Open sessions re-planned per page at start-up. */
const BOOT_PAGE = 200;

/**
 * A session's delayed jobs: reminders 24 h and 15 min before it, and the automatic end a grace period after its
 * scheduled end (RESEARCH_AUTO_END_GRACE_MINUTES; handled by SessionAutoEnd). Each job id names the session and the
 * time it hangs off (start or end), so enqueueing again is a no-op and a moved session gets new jobs. The memory
 * driver keeps delayed jobs only in memory (its timers handle delays past setTimeout's 24.8-day limit), so at
 * start-up a process that runs jobs plans the jobs of every open session again; on bull the same call finds the
 * existing jobs and adds nothing.
 */
@Injectable()
export class SessionReminders implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionReminders.name);

  constructor(
    @InjectRepository(ResearchSession) private readonly sessions: Repository<ResearchSession>,
    private readonly queue: JobQueue,
    private readonly invitees: SessionInvitees,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runJobs) return;
    let planned = 0;
    const now = new Date();
    for (let skip = 0; ; skip += BOOT_PAGE) {
      const page = await this.sessions.find({
        // Live sessions too: they still need their automatic end (reminders already past are skipped by plan).
        where: { status: In(['scheduled', 'live']) },
        order: { startsAt: 'ASC', id: 'ASC' },
        skip,
        take: BOOT_PAGE,
        select: { id: true, startsAt: true, endsAt: true },
      });
      for (const s of page) planned += await this.plan(s, now);
      if (page.length < BOOT_PAGE) break;
    }
    if (planned) this.logger.log(`Research session jobs planned at start-up: ${planned}`);
  }

  /** Enqueues the reminders still ahead and the automatic end (idempotent). Returns how many jobs were asked for. */
  async plan(session: SessionTimes, now = new Date()): Promise<number> {
    const due = plannedReminders(session.id, session.startsAt, now);
    for (const r of due) {
      await this.queue.enqueue(
        researchSessionReminder,
        { sessionId: session.id, offset: r.offset, startsAt: session.startsAt.toISOString() },
        { jobId: r.jobId, delayMs: r.delayMs, attempts: 3, backoff: { type: 'exponential', delayMs: 30_000 } },
      );
    }
    const end = plannedAutoEnd(session.id, session.endsAt, this.config.RESEARCH_AUTO_END_GRACE_MINUTES * 60_000, now);
    await this.queue.enqueue(
      researchSessionAutoEnd,
      { sessionId: session.id, endsAt: session.endsAt.toISOString() },
      { jobId: end.jobId, delayMs: end.delayMs, attempts: 5, backoff: { type: 'exponential', delayMs: 30_000 } },
    );
    return due.length + 1;
  }

  /**
   * Removes the jobs planned for these times (best effort: a running or missing one is left; the handlers ignore
   * stale jobs). `autoEnd: false` keeps the automatic end, e.g. when that job itself is what is ending the session.
   */
  async drop(session: SessionTimes, opts: { reminders?: boolean; autoEnd?: boolean } = {}): Promise<void> {
    const ids = [...(opts.reminders === false ? [] : allReminderJobIds(session.id, session.startsAt)), ...(opts.autoEnd === false ? [] : [autoEndJobId(session.id, session.endsAt)])];
    for (const id of ids) {
      try {
        await this.queue.remove(id);
      } catch (err) {
        if (!(err instanceof DomainException && err.code === 'CONFLICT')) throw err;
      }
    }
  }

  /** A reschedule: drops the jobs hanging off a time that changed and plans those of the new times. */
  async move(sessionId: string, old: Omit<SessionTimes, 'id'>, next: Omit<SessionTimes, 'id'>): Promise<void> {
    const startMoved = old.startsAt.getTime() !== next.startsAt.getTime();
    const endMoved = old.endsAt.getTime() !== next.endsAt.getTime();
    if (!startMoved && !endMoved) return;
    await this.drop({ id: sessionId, ...old }, { reminders: startMoved, autoEnd: endMoved });
    await this.plan({ id: sessionId, ...next });
  }

  @OnJob(researchSessionReminder)
  async handle(data: { sessionId: string; offset: string; startsAt: string }): Promise<void> {
    const session = await this.sessions.findOne({ where: { id: data.sessionId } });
    if (isReminderStale(session, data.startsAt)) return;
    await this.remind(session!, data.offset);
  }

  /** Notifies the invitees who have not declined. */
  async remind(session: ResearchSession, offset: string): Promise<void> {
    const label = REMINDER_OFFSETS.find((o) => o.key === offset)?.label ?? '即将';
    const recipients = await this.invitees.userIds(session.id, { exceptDeclined: true });
    await this.notifications.notifyUsers(recipients, {
      type: 'research_session.reminder',
      title: `教研活动提醒：「${session.title}」将于${label}开始`,
      body: `${KIND_LABELS[session.kind] ?? '教研活动'}，开始时间 ${shanghaiDateTime(session.startsAt)}（北京时间），${session.online ? '线上' : session.venue ?? '地点待定'}。`,
      link: { kind: 'research_session', id: session.id },
    });
  }
}
