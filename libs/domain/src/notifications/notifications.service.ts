import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import { DomainException, newId, Principal, toPage } from '@app/platform';
import type { Role } from '@app/platform';
import { User } from '../accounts/user.entity';
import { Notification } from './notification.entity';
import { NotificationInput, normalizeNotification } from './notification-input';
import { ListNotificationsQuery, NotificationDto, NotificationPageDto, ReadAllResultDto } from './notifications.dto';
import { toNotificationEvent } from './notifications.events';
import { NotificationsLive } from './notifications-live.service';

export type { NotificationInput } from './notification-input';

/** Keeps IN (...) lists and multi-row inserts well under the databases' parameter limits. */
const CHUNK = 500;

export function toNotificationDto(n: Notification): NotificationDto {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    link: n.linkKind && n.linkId ? { kind: n.linkKind, id: n.linkId } : null,
    read: n.readAt !== null,
    readAt: n.readAt,
    createdAt: n.createdAt,
  };
}

/**
 * In-app notifications. Other contexts call notifyUsers / notifyOrganizationRoles; the rows are stored first
 * (in one transaction), then pushed live to each recipient's `user:{id}` room. Call these after your own
 * transaction has committed, so nobody is told about something that was rolled back.
 * A user only ever lists and marks their own notifications.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  private lastCreatedAt = 0;

  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly live: NotificationsLive,
  ) {}

  /** Notifies the given users (duplicates and unknown or deactivated accounts are skipped). */
  async notifyUsers(userIds: string[], n: NotificationInput): Promise<void> {
    const content = normalizeNotification(n);
    const ids = [...new Set(userIds.filter((id) => typeof id === 'string' && id))];
    const recipients: string[] = [];
    for (const chunk of chunks(ids)) {
      const found = await this.users.find({ where: { id: In(chunk), active: true }, select: { id: true } });
      recipients.push(...found.map((u) => u.id));
    }
    await this.store(recipients, content);
  }

  /** Notifies every active user holding one of `roles` in one of the organizations (e.g. a school's admins). */
  async notifyOrganizationRoles(organizationIds: string[], roles: Role[], n: NotificationInput): Promise<void> {
    const content = normalizeNotification(n);
    const orgs = [...new Set(organizationIds.filter(Boolean))];
    if (!orgs.length || !roles.length) return;
    const recipients: string[] = [];
    for (const chunk of chunks(orgs)) {
      const found = await this.users.find({
        where: { organizationId: In(chunk), role: In([...new Set(roles)]), active: true },
        select: { id: true },
      });
      recipients.push(...found.map((u) => u.id));
    }
    await this.store(recipients, content);
  }

  async list(actor: Principal, query: ListNotificationsQuery): Promise<NotificationPageDto> {
    const where =
      query.unread === true
        ? { userId: actor.userId, readAt: IsNull() }
        : query.unread === false
          ? { userId: actor.userId, readAt: Not(IsNull()) }
          : { userId: actor.userId };
    const [rows, total] = await this.notifications.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    const unread = query.unread === true ? total : await this.unreadCount(actor.userId);
    return { ...toPage(rows.map(toNotificationDto), total, query), unread };
  }

  /** Marks one of the caller's notifications read (again is harmless: the first read time stays). */
  async markRead(actor: Principal, id: string): Promise<NotificationDto> {
    // Someone else's notification is reported as missing, so ids of others' notifications reveal nothing.
    const row = await this.notifications.findOne({ where: { id, userId: actor.userId } });
    if (!row) throw new DomainException('NOTIFICATION_NOT_FOUND');
    if (row.readAt === null) {
      const readAt = new Date();
      const result = await this.notifications.update({ id, userId: actor.userId, readAt: IsNull() }, { readAt });
      if (result.affected) {
        row.readAt = readAt;
        await this.announceUnread(actor.userId);
      } else {
        // A concurrent call (another tab) got there first; report its time.
        row.readAt = (await this.notifications.findOne({ where: { id }, select: { id: true, readAt: true } }))?.readAt ?? readAt;
      }
    }
    return toNotificationDto(row);
  }

  async markAllRead(actor: Principal): Promise<ReadAllResultDto> {
    const result = await this.notifications.update({ userId: actor.userId, readAt: IsNull() }, { readAt: new Date() });
    const updated = result.affected ?? 0;
    const unread = await this.unreadCount(actor.userId);
    if (updated) this.live.emitToUser(actor.userId, 'unread', { unread });
    return { updated, unread };
  }

  unreadCount(userId: string): Promise<number> {
    return this.notifications.count({ where: { userId, readAt: IsNull() } });
  }

  private async store(recipients: string[], content: ReturnType<typeof normalizeNotification>): Promise<void> {
    if (!recipients.length) return;
    const createdAt = this.nextTimestamp();
    const rows = recipients.map((userId) => this.notifications.create({ id: newId(), userId, ...content, readAt: null, createdAt }));
    await this.notifications.manager.transaction(async (manager) => {
      for (const chunk of chunks(rows)) await manager.insert(Notification, chunk);
    });
    for (const row of rows) this.live.emitToUser(row.userId, 'notification', toNotificationEvent(toNotificationDto(row)));
    this.logger.debug({ type: content.type, recipients: rows.length }, 'notifications stored');
  }

  /**
   * Strictly increasing per process, so two notifications stored within the same millisecond still list newest
   * first (the id breaks ties only between processes, where order cannot be known anyway).
   */
  private nextTimestamp(): Date {
    this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
    return new Date(this.lastCreatedAt);
  }

  private async announceUnread(userId: string): Promise<void> {
    this.live.emitToUser(userId, 'unread', { unread: await this.unreadCount(userId) });
  }
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
