import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { AppConfig } from '@app/platform';
import { NOTIFICATIONS_NAMESPACE, NotificationsServerEvents, userRoom } from './notifications.events';

type EventName = keyof NotificationsServerEvents;
type EventArgs<E extends EventName> = Parameters<NotificationsServerEvents[E]>;
/** What both a socket.io namespace and a redis emitter offer: emit to a room. */
interface RoomEmitter {
  to(room: string | string[]): { emit(event: string, ...args: unknown[]): unknown };
}

/**
 * Delivers live events to users' rooms. Everything goes through socket.io so the configured adapter fans out:
 * - in the api, through the /notifications namespace of this process's socket.io server (the gateway attaches
 *   it); with LIVE_FANOUT=redis its redis-adapter also reaches clients of the other api instances;
 * - in apps/worker there is no socket.io server: with LIVE_FANOUT=redis events are published with
 *   @socket.io/redis-emitter on the same channels, and the api instances deliver them;
 * - a worker with LIVE_FANOUT=memory cannot reach anyone: the rows are stored and users see them when they
 *   next load the list (warned once). In the embedded mode the api runs the jobs itself, so this never happens.
 * Delivery is best effort: a failure is logged and never undoes the stored notification.
 */
@Injectable()
export class NotificationsLive implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationsLive.name);
  private namespace?: Namespace;
  private emitterClient?: Redis;
  private emitter?: RoomEmitter;
  private warnedNoServer = false;

  constructor(private readonly config: AppConfig) {}

  /** Called by the gateway once the socket.io namespace exists (api processes only). */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** The server namespace, for the gateway's own use (e.g. disconnecting at shutdown). */
  get attached(): Namespace | undefined {
    return this.namespace;
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

  private target(): RoomEmitter | null {
    if (this.namespace) return this.namespace as unknown as RoomEmitter;
    if (this.config.LIVE_FANOUT === 'redis') return (this.emitter ??= this.createEmitter());
    if (!this.warnedNoServer) {
      this.warnedNoServer = true;
      this.logger.warn('No socket.io server in this process and LIVE_FANOUT=memory: notifications are stored but not pushed live');
    }
    return null;
  }

  private createEmitter(): RoomEmitter {
    const client = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    client.on('error', (err) => this.logger.error({ err }, 'redis (live emitter) error'));
    this.emitterClient = client;
    this.logger.log('emitting live notifications through @socket.io/redis-emitter');
    return new Emitter(client, { key: this.config.liveFanoutKey }).of(NOTIFICATIONS_NAMESPACE) as unknown as RoomEmitter;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.emitterClient;
    this.emitterClient = undefined;
    this.emitter = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
