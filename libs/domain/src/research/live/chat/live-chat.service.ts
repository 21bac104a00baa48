import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { AppConfig, DomainException, isUniqueViolation } from '@app/platform';
import type { ChatMessageEvent, PresenceEntry } from '../live.protocol';
import { timeOrderedId } from '../time-ordered-id';
import { LiveChatMessage } from './live-chat-message.entity';

/** Messages a rejoin replays at most; a client gone longer than that reloads the log instead. */
export const MAX_REPLAY = 2000;
export const RECENT_CHAT = 50;
export const CLIENT_MSG_ID_MAX = 64;

export function toChatEvent(m: LiveChatMessage): ChatMessageEvent {
  return {
    id: m.id,
    sessionId: m.sessionId,
    userId: m.userId,
    name: m.userName,
    school: m.schoolName,
    text: m.text,
    sentAt: m.sentAt.toISOString(),
    clientMsgId: m.clientMsgId,
  };
}

/** Chat of the live room: validate, store (deduplicated by client message id), read back for joins and replays. */
@Injectable()
export class LiveChatService {
  constructor(
    @InjectRepository(LiveChatMessage) private readonly messages: Repository<LiveChatMessage>,
    private readonly config: AppConfig,
  ) {}

  /** Chat text after trimming; LIVE_MESSAGE_EMPTY / LIVE_MESSAGE_TOO_LONG otherwise. */
  validText(text: unknown): string {
    if (typeof text !== 'string') throw new DomainException('LIVE_EVENT_INVALID', '消息格式不正确：缺少 text');
    const trimmed = text.trim();
    if (trimmed === '') throw new DomainException('LIVE_MESSAGE_EMPTY');
    if (trimmed.length > this.config.LIVE_MAX_MESSAGE_CHARS) {
      throw new DomainException('LIVE_MESSAGE_TOO_LONG', `消息内容过长（最多 ${this.config.LIVE_MAX_MESSAGE_CHARS} 字）`);
    }
    return trimmed;
  }

  /**
   * Stores one message: a single INSERT on the hot path. A resend (same session, user and clientMsgId) hits the
   * unique index; the stored message is returned with `duplicate: true` and must not be broadcast again.
   */
  async store(sessionId: string, author: PresenceEntry, clientMsgId: string, text: string): Promise<{ message: ChatMessageEvent; duplicate: boolean }> {
    const row: LiveChatMessage = {
      id: timeOrderedId(),
      sessionId,
      userId: author.userId,
      clientMsgId,
      userName: author.name,
      schoolName: author.school,
      text,
      sentAt: new Date(),
    };
    try {
      await this.messages.insert(row);
      return { message: toChatEvent(row), duplicate: false };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const stored = await this.messages.findOne({ where: { sessionId, userId: author.userId, clientMsgId } });
      if (!stored) throw err;
      return { message: toChatEvent(stored), duplicate: true };
    }
  }

  /** The last `limit` messages, oldest first. */
  async recent(sessionId: string, limit = RECENT_CHAT): Promise<ChatMessageEvent[]> {
    const rows = await this.messages.find({ where: { sessionId }, order: { id: 'DESC' }, take: limit });
    return rows.reverse().map(toChatEvent);
  }

  /**
   * Messages after `lastSeenId` in sending order, at most MAX_REPLAY (`truncated` says more exist). The cursor is
   * compared as a string: ids are UUIDv7, which sort by time.
   */
  async since(sessionId: string, lastSeenId: string): Promise<{ messages: ChatMessageEvent[]; truncated: boolean }> {
    const rows = await this.messages.find({ where: { sessionId, id: MoreThan(lastSeenId) }, order: { id: 'ASC' }, take: MAX_REPLAY + 1 });
    const truncated = rows.length > MAX_REPLAY;
    return { messages: rows.slice(0, MAX_REPLAY).map(toChatEvent), truncated };
  }
}
