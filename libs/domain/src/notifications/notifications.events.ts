import type { NotificationDto } from './notifications.dto';

export const NOTIFICATIONS_NAMESPACE = '/notifications';

/** The room every connection of one user joins. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** A notification as it travels over socket.io: the http shape with timestamps as ISO-8601 strings. */
export type NotificationEvent = Omit<NotificationDto, 'readAt' | 'createdAt'> & { readAt: string | null; createdAt: string };

/**
 * What the server emits on /notifications (clients send nothing; reading goes through the http api).
 * - `notification`: a new notification was stored for this user.
 * - `unread`: the user's unread count changed by reading (another tab, another device).
 * - `session_expired`: the access token of this connection lapsed; the server disconnects next. Refresh the token
 *   and reconnect with the new one.
 */
export interface NotificationsServerEvents {
  notification: (notification: NotificationEvent) => void;
  unread: (state: { unread: number }) => void;
  session_expired: (info: { code: 'AUTH_TOKEN_INVALID'; message: string }) => void;
}

export function toNotificationEvent(dto: NotificationDto): NotificationEvent {
  return { ...dto, readAt: dto.readAt ? dto.readAt.toISOString() : null, createdAt: dto.createdAt.toISOString() };
}
