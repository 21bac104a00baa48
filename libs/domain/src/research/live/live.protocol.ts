import type { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { DomainException, ERROR_CODES, ErrorCode } from '@app/platform';
import type { Principal, Role } from '@app/platform';

import { SESSION_ENDED_EVENT } from './live-rooms';
export { LIVE_NAMESPACE, SESSION_ENDED_EVENT, sessionRoom, sessionUserRoom } from './live-rooms';

/**
 * The wire protocol of the /live namespace. Every client event carries an object payload and an ack callback;
 * the ack is `{ ok: true, ... }` or `{ ok: false, error: { code, message } }`. An event sent without an ack (or an
 * unknown event) gets an `error` server event with the same `{ code, message, event }` shape instead.
 */
export const LIVE_CLIENT_EVENTS = {
  join: 'session:join',
  leave: 'session:leave',
  chatSend: 'chat:send',
  agendaAdvance: 'agenda:advance',
  end: 'session:end',
} as const;

export const LIVE_SERVER_EVENTS = {
  chatMessage: 'chat:message',
  presence: 'presence:update',
  agenda: 'agenda:update',
  ended: SESSION_ENDED_EVENT,
  /** A refused event that had no ack callback, or an unknown event name. */
  error: 'error',
} as const;

// ---- acks ----
export interface LiveErrorBody {
  code: ErrorCode;
  message: string;
}
export type LiveAck<T extends object = object> = ({ ok: true } & T) | { ok: false; error: LiveErrorBody };
export type AckFn = (ack: LiveAck) => void;

export const okAck = <T extends object>(body: T): { ok: true } & T => ({ ok: true, ...body });

export function errorAck(code: ErrorCode, message?: string): { ok: false; error: LiveErrorBody } {
  return { ok: false, error: { code, message: message ?? ERROR_CODES[code].message } };
}

/**
 * Turns anything a handler threw into an error ack. DomainExceptions keep their code; anything else is an
 * INTERNAL_ERROR ack plus a log line (a handler bug must never crash the process or leave the client waiting).
 */
export function ackFromError(err: unknown, logger: Pick<Logger, 'error'>, event?: string): { ok: false; error: LiveErrorBody } {
  if (err instanceof DomainException) return errorAck(err.code, err.message);
  logger.error({ err, event }, 'live event failed');
  return errorAck('INTERNAL_ERROR');
}

// ---- socket state ----
/** What a socket keeps about one session it joined (checked once at join, so the hot paths query nothing). */
export interface JoinedSession {
  canModerate: boolean;
  hostOrganizationId: string;
}

/** The presence entry of one user (never one per socket). */
export interface PresenceEntry {
  userId: string;
  name: string;
  schoolId: string;
  school: string;
  role: Role;
}

/**
 * socket.data of a /live socket. Keep it plain data: with the redis adapter, `fetchSockets()` ships it to the
 * other instances with msgpack (a timer in here would overflow the encoder's stack; a Map arrives as `{}`), so
 * per-socket machinery (timers, the rate-limit bucket) lives in the gateway, not here.
 */
export interface LiveSocketData {
  principal: Principal;
  expiresAt: Date | null;
  /** Name, school and role, loaded at the first join (shown in presence and on chat messages). */
  profile?: PresenceEntry;
  /** sessionId -> what the join check decided; kept in step with the socket's `session:{id}` rooms. */
  joined: Map<string, JoinedSession>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LiveSocket = Socket<any, any, any, LiveSocketData>;

/** The session this socket joined, or LIVE_NOT_JOINED. Cheap: a Map lookup. */
export function requireJoined(socket: LiveSocket, sessionId: string): JoinedSession {
  const joined = socket.data.joined?.get(sessionId);
  if (!joined) throw new DomainException('LIVE_NOT_JOINED');
  return joined;
}

/** The session this socket joined as a moderator, or LIVE_NOT_JOINED / LIVE_MODERATOR_ONLY. */
export function requireModerator(socket: LiveSocket, sessionId: string): JoinedSession {
  const joined = requireJoined(socket, sessionId);
  if (!joined.canModerate) throw new DomainException('LIVE_MODERATOR_ONLY');
  return joined;
}

// ---- payload validation (hand-written: cheaper than class-validator on the chat hot path) ----
const invalid = (what: string): DomainException => new DomainException('LIVE_EVENT_INVALID', `消息格式不正确：${what}`);

export function payloadObject(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('应为对象');
  return payload as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`缺少 ${field}`);
  if (value.length > maxLength) throw invalid(`${field} 过长`);
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) throw invalid(`${field} 无效`);
  return value;
}

export function requiredInt(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${field} 应为整数`);
  return value;
}

/** The sessionId every event carries (app-generated ids are varchar(36)). */
export const sessionIdOf = (body: Record<string, unknown>): string => requiredString(body, 'sessionId', 36);

// ---- binding handlers ----
/**
 * Binds one client event with the /live conventions: the payload is handed to `handler`, whose result becomes
 * `{ ok: true, ...result }`; a thrown DomainException becomes an error ack with its code, anything else an
 * INTERNAL_ERROR ack and a log line. A call without an ack callback is refused with an `error` event
 * (LIVE_ACK_REQUIRED) and not run. Both /live gateways use it from handleConnection, so no Nest pipeline sits on
 * the chat hot path.
 */
export function onLiveEvent(
  socket: LiveSocket,
  event: string,
  logger: Pick<Logger, 'error'>,
  handler: (payload: unknown) => object | void | Promise<object | void>,
): void {
  socket.on(event, (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      emitLiveError(socket, event, 'LIVE_ACK_REQUIRED');
      return;
    }
    const reply = ack as AckFn;
    const payload = args.length > 1 ? args[0] : undefined;
    try {
      const result = handler(payload);
      if (result instanceof Promise) {
        result.then(
          (body) => reply(okAck(body ?? {})),
          (err: unknown) => reply(ackFromError(err, logger, event)),
        );
      } else {
        reply(okAck(result ?? {}));
      }
    } catch (err) {
      reply(ackFromError(err, logger, event));
    }
  });
}

/** Tells one socket that an event it sent was refused (used when there is no ack to answer). */
export function emitLiveError(socket: LiveSocket, event: string, code: ErrorCode, message?: string): void {
  socket.emit(LIVE_SERVER_EVENTS.error, { event, code, message: message ?? ERROR_CODES[code].message });
}

// ---- server event payloads ----
export interface ChatMessageEvent {
  id: string;
  sessionId: string;
  userId: string;
  name: string;
  school: string;
  text: string;
  /** ISO-8601 UTC */
  sentAt: string;
  clientMsgId: string;
}

export interface PresenceUpdateEvent {
  sessionId: string;
  joined?: PresenceEntry;
  left?: string;
  /** distinct users in the room after this change */
  count: number;
}

export interface AgendaUpdateEvent {
  sessionId: string;
  currentAgendaIndex: number;
  agenda: { title: string; minutes?: number; presenterUserId?: string }[];
}

export interface SessionEndedEvent {
  sessionId: string;
  endedAt: string | null;
  reason: 'ended' | 'cancelled';
}
