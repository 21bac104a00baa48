import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { NamespaceRooms } from '../realtime/namespace-rooms';
import { NOTIFICATIONS_NAMESPACE, NotificationsServerEvents, userRoom } from './notifications.events';

type EventName = keyof NotificationsServerEvents;
type EventArgs<E extends EventName> = Parameters<NotificationsServerEvents[E]>;

/**
 * Delivers live events to users' rooms (`user:{id}`) of the /notifications namespace, from the api or the worker
 * (see NamespaceRooms for how each process reaches the sockets). A worker with LIVE_FANOUT=memory cannot reach
 * anyone: the rows are stored and users see them when they next load the list. Delivery is best effort: a failure
 * is logged and never undoes the stored notification.
 */
@Injectable()
export class NotificationsLive extends NamespaceRooms {
  constructor(config: AppConfig) {
    super(config, NOTIFICATIONS_NAMESPACE, 'notifications are stored but not pushed live');
  }

  emitToUser<E extends EventName>(userId: string, event: E, ...args: EventArgs<E>): void {
    const target = this.target();
    if (!target) return;
    try {
      target.to(userRoom(userId)).emit(event, ...args);
    } catch (err) {
      this.logger.error({ err, event, userId }, 'live delivery failed');
    }
  }
}
