import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { InjectRepository } from '@nestjs/typeorm';
import type { Namespace } from 'socket.io';
import { Repository } from 'typeorm';
import { AccessTokenVerifier, AppConfig, authenticateHandshakes, DomainException, ERROR_CODES } from '@app/platform';
import type { ErrorCode } from '@app/platform';
import { User } from '../../accounts/user.entity';
import { ResearchSessionsService } from '../sessions/research-sessions.service';
import { AttendanceService } from '../training/attendance.service';
import { LiveChatService, CLIENT_MSG_ID_MAX, RECENT_CHAT } from './chat/live-chat.service';
import { exceedsSize, newBucket, takeToken, TokenBucket } from './live-limits';
import { LIVE_NAMESPACE, LiveRooms, sessionRoom, sessionUserRoom } from './live-rooms';
import {
  AckFn,
  AgendaUpdateEvent,
  emitLiveError,
  errorAck,
  LIVE_CLIENT_EVENTS,
  LIVE_SERVER_EVENTS,
  LiveSocket,
  onLiveEvent,
  optionalString,
  payloadObject,
  PresenceEntry,
  PresenceUpdateEvent,
  requiredInt,
  requiredString,
  requireJoined,
  requireModerator,
  sessionIdOf,
} from './live.protocol';

/** Per-socket machinery that must not sit in socket.data (which the redis adapter serialises for fetchSockets). */
interface LocalState {
  bucket: TokenBucket;
  expiryTimer?: NodeJS.Timeout;
}

/** `session:{id}` (not the per-user `session:{id}:user:{uid}` rooms): the session id, else null. */
function sessionIdOfRoom(room: string): string | null {
  if (!room.startsWith('session:')) return null;
  const rest = room.slice('session:'.length);
  return rest.includes(':') ? null : rest;
}

/**
 * socket.io namespace /live: the live research room (issue 5 items 3, 4, 7, 8). The handshake carries the access
 * token (`io(url + '/live', { auth: { token } })`), verified like a bearer token; a refusal is a `connect_error`
 * with `data: { code, message }`. Joining a session runs ResearchSessionsService.getForLive once and caches the
 * answer in socket.data.joined, so chat (the hot path) costs a Map lookup, one INSERT and one emit.
 *
 * Presence is per user, computed from the room's sockets with fetchSockets() (through the redis adapter it spans
 * every api instance): a user's second socket (another tab, or a reconnect racing the old socket's timeout) adds
 * nobody, and the user leaves presence (and attendance) only when their last socket in the room is gone.
 * Reconnection: the client rejoins with `lastSeenMessageId` and gets the stored messages after it (a replay from
 * the store works with the redis adapter; socket.io's connectionStateRecovery does not, so it is not enabled:
 * one mechanism in both modes). Clients merge `recentChat`, `missed` and live `chat:message` events by id.
 *
 * LiveCollabGateway (hands, polls, minutes, rubric) adds its handlers to the same namespace; the middleware
 * here (rate limit, payload size, unknown events) covers its events too.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<LiveSocket>, OnGatewayDisconnect<LiveSocket>, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly local = new WeakMap<LiveSocket, LocalState>();
  /** Leave bookkeeping started by disconnects, awaited at shutdown before the database closes. */
  private readonly pending = new Set<Promise<void>>();
  private namespace?: Namespace;
  private closing = false;

  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly config: AppConfig,
    private readonly rooms: LiveRooms,
    private readonly sessions: ResearchSessionsService,
    private readonly attendance: AttendanceService,
    private readonly chat: LiveChatService,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    authenticateHandshakes(namespace, this.tokens, { closing: () => this.closing, logger: this.logger });
    // Keep socket.data.joined in step with room membership, whatever made the socket leave (an ended session's
    // socketsLeave may come from another instance through the adapter): a socket out of the room may not chat.
    namespace.adapter.on('leave-room', (room: string, socketId: string) => {
      const sessionId = sessionIdOfRoom(room);
      if (!sessionId) return;
      const socket = namespace.sockets.get(socketId) as LiveSocket | undefined;
      if (!socket?.data.joined?.delete(sessionId)) return;
      void socket.leave(sessionUserRoom(sessionId, socket.data.principal.userId));
    });
    this.rooms.attach(namespace);
  }

  handleConnection(socket: LiveSocket): void {
    socket.data.joined = new Map();
    const state: LocalState = { bucket: newBucket(this.config.LIVE_EVENTS_PER_SECOND, Date.now()) };
    this.local.set(socket, state);
    const { expiresAt } = socket.data;
    if (expiresAt) {
      // Bounded by the access-token TTL (at most a day), so it fits setTimeout. The client refreshes its token,
      // reconnects and rejoins with lastSeenMessageId.
      const timer = setTimeout(() => {
        socket.emit('session_expired', { code: 'AUTH_TOKEN_INVALID', message: ERROR_CODES.AUTH_TOKEN_INVALID.message });
        socket.disconnect(true);
      }, Math.max(0, expiresAt.getTime() - Date.now()));
      timer.unref();
      state.expiryTimer = timer;
    }
    socket.use((packet, next) => this.screen(socket, state, packet, next));
    // By 'disconnect' socket.io has taken the socket out of its rooms (and 'leave-room' emptied joined).
    socket.on('disconnecting', () => this.onDisconnecting(socket));

    onLiveEvent(socket, LIVE_CLIENT_EVENTS.join, this.logger, (payload) => this.join(socket, payload));
    onLiveEvent(socket, LIVE_CLIENT_EVENTS.leave, this.logger, async (payload) => {
      const sessionId = sessionIdOf(payloadObject(payload));
      requireJoined(socket, sessionId);
      await this.leave(socket, sessionId);
      return {};
    });
    onLiveEvent(socket, LIVE_CLIENT_EVENTS.chatSend, this.logger, (payload) => this.send(socket, payload));
    onLiveEvent(socket, LIVE_CLIENT_EVENTS.agendaAdvance, this.logger, (payload) => this.advance(socket, payload));
    onLiveEvent(socket, LIVE_CLIENT_EVENTS.end, this.logger, (payload) => this.end(socket, payload));
  }

  handleDisconnect(socket: LiveSocket): void {
    const state = this.local.get(socket);
    if (state?.expiryTimer) clearTimeout(state.expiryTimer);
  }

  /**
   * At shutdown: refuse new handshakes, close this instance's connections (`local`: the redis adapter would
   * otherwise disconnect every instance's clients) so they reconnect elsewhere, and let the leave bookkeeping of
   * those disconnects finish before the database closes.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.namespace?.local.disconnectSockets(true);
    if (this.pending.size > 0) {
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
  }

  // ---- middleware: every event on /live, this gateway's and LiveCollabGateway's ----

  private screen(socket: LiveSocket, state: LocalState, packet: unknown[], next: (err?: Error) => void): void {
    const event = String(packet[0]);
    const last = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as AckFn) : undefined;
    const refuse = (code: ErrorCode): void => {
      if (ack) ack(errorAck(code));
      else emitLiveError(socket, event, code);
    };
    if (!takeToken(state.bucket, this.config.LIVE_EVENTS_PER_SECOND, Date.now())) return refuse('LIVE_RATE_LIMITED');
    // Nest and onLiveEvent bind handlers with socket.on, so a name nobody listens to is unknown. 'error' has
    // socket.io's own no-op listener and is not a client event.
    if (event === 'error' || socket.listeners(event).length === 0) return refuse('LIVE_EVENT_UNKNOWN');
    if (exceedsSize(ack ? packet.slice(1, -1) : packet.slice(1), this.config.LIVE_MAX_EVENT_BYTES)) return refuse('LIVE_PAYLOAD_TOO_LARGE');
    next();
  }

  // ---- handlers ----

  private async join(socket: LiveSocket, payload: unknown) {
    const body = payloadObject(payload);
    const sessionId = sessionIdOf(body);
    const lastSeenMessageId = optionalString(body, 'lastSeenMessageId', 36);
    const { principal } = socket.data;
    const { session, canModerate } = await this.sessions.getForLive(principal, sessionId);
    const profile = (socket.data.profile ??= await this.loadProfile(socket));

    const before = await this.presence(sessionId);
    const alreadyPresent = before.has(principal.userId);
    if (!alreadyPresent && before.size >= this.config.LIVE_ROOM_MAX_PARTICIPANTS) throw new DomainException('LIVE_ROOM_FULL');

    if (session.status === 'scheduled') await this.sessions.markLive(sessionId);

    // Into the room before the attendance interval is opened, and before the store is read. The room first: the
    // leave bookkeeping of this user's old socket (a reconnect racing its timeout) then either sees this socket
    // and leaves the user in, or has closed the interval by the time it re-checks (afterLeft), so the user is
    // neither dropped from presence nor from attendance. The store after: a message sent meanwhile arrives live
    // and may also be in recentChat or missed (the client merges by id), but none falls between the two.
    await socket.join([sessionRoom(sessionId), sessionUserRoom(sessionId, principal.userId)]);
    socket.data.joined.set(sessionId, { canModerate, hostOrganizationId: session.hostOrganizationId });
    let opened: boolean;
    try {
      opened = await this.attendance.recordJoin(sessionId, { userId: principal.userId, organizationId: principal.organizationId });
    } catch (err) {
      socket.data.joined.delete(sessionId);
      await socket.leave(sessionRoom(sessionId));
      await socket.leave(sessionUserRoom(sessionId, principal.userId));
      throw err;
    }
    before.set(principal.userId, profile);
    // Announced when no socket of the user was in the room, or when this join reopened attendance (a leave of the
    // user's old socket closed it meanwhile and has announced the leave).
    if (opened || !alreadyPresent) {
      const update: PresenceUpdateEvent = { sessionId, joined: profile, count: before.size };
      socket.to(sessionRoom(sessionId)).emit(LIVE_SERVER_EVENTS.presence, update);
    }

    const [recentChat, missed] = await Promise.all([
      this.chat.recent(sessionId, RECENT_CHAT),
      lastSeenMessageId ? this.chat.since(sessionId, lastSeenMessageId) : Promise.resolve({ messages: [], truncated: false }),
    ]);
    return {
      session: {
        id: session.id,
        title: session.title,
        status: session.status === 'scheduled' ? 'live' : session.status,
        currentAgendaIndex: session.currentAgendaIndex,
        agenda: session.agenda,
      },
      canModerate,
      presence: [...before.values()],
      recentChat,
      missed: missed.messages,
      missedTruncated: missed.truncated,
    };
  }

  private async send(socket: LiveSocket, payload: unknown) {
    const body = payloadObject(payload);
    const sessionId = sessionIdOf(body);
    requireJoined(socket, sessionId);
    const clientMsgId = requiredString(body, 'clientMsgId', CLIENT_MSG_ID_MAX);
    const text = this.chat.validText(body.text);
    const { message, duplicate } = await this.chat.store(sessionId, socket.data.profile!, clientMsgId, text);
    // Broadcast through the namespace (not socket.to): the sender's own other tabs get it too, and the sender
    // itself sees the server's copy (id, sentAt) in the same stream as everyone else.
    if (!duplicate) this.namespace!.to(sessionRoom(sessionId)).emit(LIVE_SERVER_EVENTS.chatMessage, message);
    return { id: message.id, duplicate };
  }

  private async advance(socket: LiveSocket, payload: unknown) {
    const body = payloadObject(payload);
    const sessionId = sessionIdOf(body);
    requireModerator(socket, sessionId);
    const index = requiredInt(body, 'index');
    const session = await this.sessions.advanceAgenda(socket.data.principal, sessionId, index);
    const update: AgendaUpdateEvent = { sessionId, currentAgendaIndex: session.currentAgendaIndex, agenda: session.agenda };
    this.namespace!.to(sessionRoom(sessionId)).emit(LIVE_SERVER_EVENTS.agenda, update);
    return { currentAgendaIndex: session.currentAgendaIndex };
  }

  /** ResearchSessionsService.end emits `session:ended` through LiveRooms, which also empties the room. */
  private async end(socket: LiveSocket, payload: unknown) {
    const sessionId = sessionIdOf(payloadObject(payload));
    requireModerator(socket, sessionId);
    const session = await this.sessions.end(socket.data.principal, sessionId);
    return { status: session.status, endedAt: session.endedAt ? session.endedAt.toISOString() : null };
  }

  // ---- presence and leaving ----

  /** userId -> entry of everyone in the room, across instances (one entry per user however many sockets). */
  private async presence(sessionId: string): Promise<Map<string, PresenceEntry>> {
    const sockets = await this.namespace!.in(sessionRoom(sessionId)).fetchSockets();
    const users = new Map<string, PresenceEntry>();
    for (const s of sockets) {
      const profile = (s.data as { profile?: PresenceEntry }).profile;
      if (profile) users.set(profile.userId, profile);
    }
    return users;
  }

  /** Leaves one session; presence and attendance change only if this was the user's last socket in the room. */
  private async leave(socket: LiveSocket, sessionId: string): Promise<void> {
    const { userId } = socket.data.principal;
    socket.data.joined.delete(sessionId);
    await socket.leave(sessionRoom(sessionId));
    await socket.leave(sessionUserRoom(sessionId, userId));
    await this.afterLeft(sessionId, userId);
  }

  /**
   * The user leaves presence and attendance when none of their sockets is left in the room. The leave is announced
   * by whoever closes the interval (one announcement however many sockets go at once). A socket of the user that
   * joined while this ran may have found the interval still open and not reopened it: the re-check reopens it and
   * announces the user again, so a reconnect racing the old socket's end never leaves them out.
   */
  private async afterLeft(sessionId: string, userId: string): Promise<void> {
    const remaining = await this.presence(sessionId);
    if (remaining.has(userId)) return;
    if (!(await this.attendance.recordLeave(sessionId, userId))) return;
    const update: PresenceUpdateEvent = { sessionId, left: userId, count: remaining.size };
    this.namespace!.to(sessionRoom(sessionId)).emit(LIVE_SERVER_EVENTS.presence, update);

    const now = await this.presence(sessionId);
    const back = now.get(userId);
    if (!back) return;
    if (await this.attendance.recordJoin(sessionId, { userId, organizationId: back.schoolId })) {
      const again: PresenceUpdateEvent = { sessionId, joined: back, count: now.size };
      this.namespace!.to(sessionRoom(sessionId)).emit(LIVE_SERVER_EVENTS.presence, again);
    }
  }

  /** Called on 'disconnecting' (still in its rooms): the sessions this socket must leave once it is gone. */
  private onDisconnecting(socket: LiveSocket): void {
    const sessionIds = [...(socket.data.joined?.keys() ?? [])];
    if (sessionIds.length === 0) return;
    const { userId } = socket.data.principal;
    // The rooms are left right after this hook; run the bookkeeping once socket.io has done so.
    socket.once('disconnect', () => {
      const work = Promise.all(
        sessionIds.map((sessionId) =>
          this.afterLeft(sessionId, userId).catch((err: unknown) => this.logger.error({ err, sessionId, userId }, 'live leave bookkeeping failed')),
        ),
      ).then(() => undefined);
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    });
  }

  private async loadProfile(socket: LiveSocket): Promise<PresenceEntry> {
    const { principal } = socket.data;
    const row = await this.users
      .createQueryBuilder('u')
      .leftJoin('u.organization', 'o')
      .select(['u.id AS id', 'u.name AS name', 'o.id AS schoolId', 'o.name AS school'])
      .where('u.id = :id', { id: principal.userId })
      .getRawOne<{ id: string; name: string; schoolId: string | null; school: string | null }>();
    if (!row) throw new DomainException('AUTH_TOKEN_INVALID');
    return { userId: principal.userId, name: row.name, schoolId: row.schoolId ?? principal.organizationId, school: row.school ?? '', role: principal.role };
  }
}
