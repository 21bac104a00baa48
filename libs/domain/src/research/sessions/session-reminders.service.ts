import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { AppConfig, DomainException } from '@app/platform';
import { JobQueue, OnJob } from '@app/queue';
import { NotificationsService } from '../../notifications/notifications.service';
import { ResearchSession } from './research-session.entity';
import { allReminderJobIds, isReminderStale, KIND_LABELS, plannedReminders, REMINDER_OFFSETS, shanghaiDateTime } from './research-session-rules';
import { SessionInvitees } from './session-invitees.service';
import { researchSessionReminder } from './jobs/session-reminder.job';

/** Upcoming sessions re-planned per page at start-up. */
const BOOT_PAGE = 200;

/**
 * Reminders 24 h and 15 min before a session, as delayed jobs whose id names session, offset and start time, so
 * enqueueing again is a no-op and a moved session gets new jobs. The memory driver keeps delayed jobs only in memory
 * (its timers handle delays past setTimeout's 24.8-day limit), so at start-up a process that runs jobs plans the
 * reminders of every upcoming session again; on bull the same call finds the existing jobs and adds nothing.
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
        where: { status: In(['scheduled']), startsAt: MoreThan(now) },
        order: { startsAt: 'ASC', id: 'ASC' },
        skip,
        take: BOOT_PAGE,
        select: { id: true, startsAt: true },
      });
      for (const s of page) planned += await this.plan(s, now);
      if (page.length < BOOT_PAGE) break;
    }
    if (planned) this.logger.log(`Research session reminders planned at start-up: ${planned}`);
  }

  /** Enqueues the reminders still ahead (idempotent). Returns how many were asked for. */
  async plan(session: Pick<ResearchSession, 'id' | 'startsAt'>, now = new Date()): Promise<number> {
    const due = plannedReminders(session.id, session.startsAt, now);
    for (const r of due) {
      await this.queue.enqueue(
        researchSessionReminder,
        { sessionId: session.id, offset: r.offset, startsAt: session.startsAt.toISOString() },
        { jobId: r.jobId, delayMs: r.delayMs, attempts: 3, backoff: { type: 'exponential', delayMs: 30_000 } },
      );
    }
    return due.length;
  }

  /** Removes the reminders planned for `startsAt` (best effort: a running or missing one is left; the handler ignores stale jobs). */
  async drop(sessionId: string, startsAt: Date): Promise<void> {
    for (const id of allReminderJobIds(sessionId, startsAt)) {
      try {
        await this.queue.remove(id);
      } catch (err) {
        if (!(err instanceof DomainException && err.code === 'CONFLICT')) throw err;
      }
    }
  }

  async move(sessionId: string, oldStartsAt: Date, newStartsAt: Date): Promise<void> {
    if (oldStartsAt.getTime() === newStartsAt.getTime()) return;
    await this.drop(sessionId, oldStartsAt);
    await this.plan({ id: sessionId, startsAt: newStartsAt });
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
