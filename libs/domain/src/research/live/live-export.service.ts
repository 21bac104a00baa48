import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal } from '@app/platform';
import { ResearchSessionsService } from '../sessions/research-sessions.service';
import { LiveChatMessage } from './chat/live-chat-message.entity';
import { LiveCollabParticipants } from './live-collab-participants';
import { buildRecordWorkbook, SessionRecord } from './live-export.builder';
import { LiveMinutesService } from './minutes/live-minutes.service';
import { LivePollsService } from './polls/live-polls.service';
import { DEFAULT_RUBRIC } from './rubric/rubric';
import { LiveRubricService } from './rubric/live-rubric.service';
import { LiveSharesService } from './shares/live-shares.service';

/** Chat rows exported at most (a day-long session at a brisk pace stays well below it). */
const CHAT_EXPORT_LIMIT = 50000;

/**
 * What stays with a session after it (issue 5 item 6): minutes, chat log, poll results, the evaluation summary and
 * the shared resources, as JSON and as an .xlsx workbook. Readers are whoever ResearchSessionsService.assertCanRead
 * admits (the same people who may read the session).
 */
@Injectable()
export class LiveExportService {
  constructor(
    private readonly sessions: ResearchSessionsService,
    @InjectRepository(LiveChatMessage) private readonly chat: Repository<LiveChatMessage>,
    private readonly participants: LiveCollabParticipants,
    private readonly minutes: LiveMinutesService,
    private readonly polls: LivePollsService,
    private readonly rubric: LiveRubricService,
    private readonly shares: LiveSharesService,
  ) {}

  async record(principal: Principal, sessionId: string): Promise<SessionRecord> {
    const session = await this.sessions.assertCanRead(principal, sessionId);
    const [text, lock, messages, polls, aggregate, cards, shares] = await Promise.all([
      this.minutes.text(session.id),
      this.minutes.lockState(session.id),
      this.chat.find({ where: { sessionId: session.id }, order: { id: 'ASC' }, take: CHAT_EXPORT_LIMIT }),
      this.polls.forSession(session.id),
      this.rubric.aggregate(session.id),
      this.rubric.forSession(session.id),
      this.shares.forSession(session.id),
    ]);
    const people = await this.participants.describe(cards.map((c) => c.userId));
    return {
      session: {
        id: session.id,
        title: session.title,
        kind: session.kind,
        subject: session.subject,
        hostOrganizationId: session.hostOrganizationId,
        startsAt: session.startsAt.toISOString(),
        endsAt: session.endsAt.toISOString(),
        status: session.status,
        endedAt: session.endedAt ? session.endedAt.toISOString() : null,
      },
      minutes: { text, locked: lock.locked, lockedAt: lock.lockedAt },
      chat: messages.map((m) => ({ id: m.id, userId: m.userId, name: m.userName, school: m.schoolName, text: m.text, sentAt: m.sentAt.toISOString() })),
      polls,
      rubric: {
        criteria: DEFAULT_RUBRIC,
        aggregate: aggregate.aggregate,
        scorecards: cards.map((c) => ({
          userId: c.userId,
          name: people.get(c.userId)!.name,
          school: people.get(c.userId)!.school,
          scores: c.scores,
          comment: c.comment,
          updatedAt: c.updatedAt.toISOString(),
        })),
      },
      shares,
    };
  }

  async workbook(principal: Principal, sessionId: string): Promise<{ buffer: Buffer; filename: string }> {
    const record = await this.record(principal, sessionId);
    const buffer = Buffer.from(await buildRecordWorkbook(record).xlsx.writeBuffer());
    const day = record.session.startsAt.slice(0, 10);
    return { buffer, filename: `${record.session.title}-活动记录-${day}.xlsx` };
  }
}
