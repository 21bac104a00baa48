import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { NamespaceRooms } from '../../realtime/namespace-rooms';

/** The socket.io namespace of the live research room. */
export const LIVE_NAMESPACE = '/live';

/** The room every socket that joined a research session is in. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** One user's sockets in one session (several tabs, or a reconnect that overlaps the old socket's timeout). */
export const sessionUserRoom = (sessionId: string, userId: string): string => `session:${sessionId}:user:${userId}`;

/** The server event that closes a session's room (ResearchSessionsService emits it on end and cancel). */
export const SESSION_ENDED_EVENT = 'session:ended';

/**
 * Emits live-room events to everyone in a session, from any context (ResearchSessionsService uses it for
 * `session:ended`): through the /live gateway's namespace in the api, through the redis emitter elsewhere (see
 * NamespaceRooms). Best effort: a failure is logged, never thrown to the caller.
 */
@Injectable()
export class LiveRooms extends NamespaceRooms {
  constructor(config: AppConfig) {
    super(config, LIVE_NAMESPACE, 'live room events are not delivered');
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
}
