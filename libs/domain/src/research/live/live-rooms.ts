import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { AppConfig } from '@app/platform';

/** The socket.io namespace of the live research room. */
export const LIVE_NAMESPACE = '/live';

/** The room every socket that joined a research session is in. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** One user's sockets in one session (several tabs, or a reconnect that overlaps the old socket's timeout). */
export const sessionUserRoom = (sessionId: string, userId: string): string => `session:${sessionId}:user:${userId}`;

/** The server event that closes a session's room (ResearchSessionsService emits it on end and cancel). */
export const SESSION_ENDED_EVENT = 'session:ended';

/** What both a socket.io namespace and a redis emitter offer: emit to a room, make a room's sockets leave it. */
interface RoomEmitter {
  to(room: string | string[]): { emit(event: string, ...args: unknown[]): unknown };
  in(room: string | string[]): { socketsLeave(room: string | string[]): void };
}

/**
 * Emits live-room events to everyone in a session, from any context (ResearchSessionsService uses it for
 * `session:ended`). Built like NotificationsLive: in the api the /live gateway attaches its namespace (whose
 * adapter fans out to the other instances when LIVE_FANOUT=redis); in a process without the gateway (apps/worker)
 * with LIVE_FANOUT=redis it publishes through @socket.io/redis-emitter; otherwise nobody can be reached and the
 * event is dropped with a one-time warning. Best effort: a failure is logged, never thrown to the caller.
 */
@Injectable()
export class LiveRooms implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveRooms.name);
  private namespace?: Namespace;
  private emitterClient?: Redis;
  private emitter?: RoomEmitter;
  private warnedNoServer = false;

  constructor(private readonly config: AppConfig) {}

  /** Called by the /live gateway once the namespace exists (api processes only). */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** The server namespace, for the gateways' own use (room queries, disconnecting at shutdown). */
  get attached(): Namespace | undefined {
    return this.namespace;
  }

  /**
   * Emits to everyone in the session. After `session:ended` (ended or cancelled) every socket also leaves the
   * room, on every instance, so nobody keeps chatting into a closed session.
   */
  emitToSession(sessionId: string, event: string, payload: unknown): void {
    const target = this.target();
    if (!target) return;
    try {
      const room = sessionRoom(sessionId);
      target.to(room).emit(event, payload);
      if (event === SESSION_ENDED_EVENT) target.in(room).socketsLeave(room);
    } catch (err) {
      this.logger.error({ err, event, sessionId }, 'live room delivery failed');
    }
  }

  private target(): RoomEmitter | null {
    if (this.namespace) return this.namespace as unknown as RoomEmitter;
    if (this.config.LIVE_FANOUT === 'redis') return (this.emitter ??= this.createEmitter());
    if (!this.warnedNoServer) {
      this.warnedNoServer = true;
      this.logger.warn('No socket.io server in this process and LIVE_FANOUT=memory: live room events are not delivered');
    }
    return null;
  }

  private createEmitter(): RoomEmitter {
    const client = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    client.on('error', (err) => this.logger.error({ err }, 'redis (live room emitter) error'));
    this.emitterClient = client;
    return new Emitter(client, { key: this.config.liveFanoutKey }).of(LIVE_NAMESPACE) as unknown as RoomEmitter;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.emitterClient;
    this.emitterClient = undefined;
    this.emitter = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
