import { useCallback, useEffect, useReducer, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { isTokenRefusal, reconnectOnTokenExpiry, tokenAuth } from '../socket-auth';
import type { AgendaItem } from './types';
import { mergeMessages } from './live-merge';

export { applyTextEdit, mergeMessages } from './live-merge';

// The /live room client (issue 5 protocol: libs/domain/src/research/live/live.protocol.ts and
// live-collab.events.ts). Loaded only by the live-room page, so socket.io-client and Yjs stay out of other chunks.

export interface Presence {
  userId: string;
  name: string;
  school: string;
  role: string;
}
export interface ChatMessage {
  id: string;
  userId: string;
  name: string;
  school: string;
  text: string;
  sentAt: string;
  clientMsgId: string;
}
export interface OutgoingMessage {
  clientMsgId: string;
  text: string;
  status: 'pending' | 'failed';
  error?: string;
}
export interface ParticipantRef {
  userId: string;
  name: string;
  school: string;
}
export interface HandQueue {
  queue: (ParticipantRef & { raisedAt: string })[];
  speaker: (ParticipantRef & { since: string }) | null;
}
export interface PollState {
  poll: { id: string; question: string; options: string[]; multiple: boolean; status: 'open' | 'closed' };
  tallies: number[];
  totalVotes: number;
  voters: number;
  status: 'open' | 'closed';
}
export interface RubricCriterion {
  key: string;
  label: string;
  weight: number;
  mean?: number | null;
  count?: number;
}
export interface RubricAggregate {
  criteria: RubricCriterion[];
  overall: number | null;
  scorecards: number;
}
export interface SharedResource {
  id: string;
  resource: { id: string; title: string; type: string };
  sharedBy: ParticipantRef;
  sharedAt: string;
}

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

export interface RoomState {
  connection: Connection;
  error: string | null;
  title: string;
  canModerate: boolean;
  agenda: AgendaItem[];
  currentAgendaIndex: number;
  presence: Presence[];
  messages: ChatMessage[];
  outgoing: OutgoingMessage[];
  missedTruncated: boolean;
  hands: HandQueue;
  polls: PollState[];
  shares: SharedResource[];
  minutesLocked: boolean;
  rubric: { criteria: RubricCriterion[]; scale: { min: number; max: number }; aggregate: RubricAggregate | null; mine: { scores: Record<string, number>; comment: string | null } | null };
  endedReason: 'ended' | 'cancelled' | null;
  /** Bumped whenever a (re)join completed, so tests and the UI can tell a rejoin happened. */
  joins: number;
}

const initial: RoomState = {
  connection: 'connecting',
  error: null,
  title: '',
  canModerate: false,
  agenda: [],
  currentAgendaIndex: 0,
  presence: [],
  messages: [],
  outgoing: [],
  missedTruncated: false,
  hands: { queue: [], speaker: null },
  polls: [],
  shares: [],
  minutesLocked: false,
  rubric: { criteria: [], scale: { min: 1, max: 10 }, aggregate: null, mine: null },
  endedReason: null,
  joins: 0,
};

type Action = { type: 'patch'; patch: Partial<RoomState> } | { type: 'fn'; fn: (s: RoomState) => Partial<RoomState> };
const reducer = (s: RoomState, a: Action): RoomState => ({ ...s, ...(a.type === 'patch' ? a.patch : a.fn(s)) });

/** A client message id without crypto.randomUUID (absent on plain-http county servers). */
function newClientMsgId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 8)}`;
}

type Ack<T = Record<string, unknown>> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

const ACK_TIMEOUT_MS = 10000;
const REMOTE = Symbol('remote');
const MINUTES_FLUSH_MS = 300;

export interface LiveRoom {
  sessionId: string;
  state: RoomState;
  minutes: Y.Text;
  doc: Y.Doc;
  sendChat(text: string): void;
  retryChat(clientMsgId: string): void;
  request<T = Record<string, unknown>>(event: string, payload: Record<string, unknown>): Promise<T>;
  leave(): void;
  /**
   * While an input method composes (Chinese pinyin), remote minutes updates are held back and applied after the
   * local edit lands, so the textarea is never rewritten under the IME and the edit's positions stay valid.
   */
  holdMinutes(hold: boolean): void;
}

export function useLiveRoom(sessionId: string, myUserId: string | undefined): LiveRoom {
  const [state, dispatch] = useReducer(reducer, initial);
  const stateRef = useRef(state);
  stateRef.current = state;
  const socketRef = useRef<Socket | null>(null);
  const joinedRef = useRef(false);
  const docRef = useRef<Y.Doc>(null as unknown as Y.Doc);
  if (!docRef.current) docRef.current = new Y.Doc();
  const doc = docRef.current;
  const minutes = doc.getText('minutes');
  const patch = useCallback((p: Partial<RoomState>) => dispatch({ type: 'patch', patch: p }), []);
  const update = useCallback((fn: (s: RoomState) => Partial<RoomState>) => dispatch({ type: 'fn', fn }), []);

  /** Emits with an ack and a timeout; resolves the ack body or rejects with the api's Chinese message. */
  const request = useCallback(<T = Record<string, unknown>>(event: string, payload: Record<string, unknown>): Promise<T> => {
    const socket = socketRef.current;
    if (!socket?.connected) return Promise.reject(new Error('连接已断开，正在重新连接…'));
    return new Promise<T>((resolve, reject) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack<T>) => {
        if (err) reject(new Error('服务器未响应，请稍后重试'));
        else if (!ack.ok) reject(Object.assign(new Error(ack.error.message), { code: ack.error.code }));
        else resolve(ack as T);
      });
    });
  }, []);

  const deliver = useCallback(
    (msg: OutgoingMessage) => {
      // Sent only while joined; otherwise it waits and goes out after the rejoin (same clientMsgId, so the server
      // stores it once even when an earlier attempt did arrive).
      if (!joinedRef.current) return;
      request<{ id: string; duplicate: boolean }>('chat:send', { sessionId, clientMsgId: msg.clientMsgId, text: msg.text }).then(
        () => update((s) => ({ outgoing: s.outgoing.filter((o) => o.clientMsgId !== msg.clientMsgId) })),
        (e: Error & { code?: string }) =>
          update((s) => ({ outgoing: s.outgoing.map((o) => (o.clientMsgId === msg.clientMsgId ? { ...o, status: 'failed', error: e.message } : o)) })),
      );
    },
    [request, sessionId, update],
  );

  const held = useRef<Uint8Array[] | null>(null);
  const applyRemote = useCallback(
    (u: Uint8Array) => {
      if (held.current) held.current.push(u);
      else Y.applyUpdate(doc, u, REMOTE);
    },
    [doc],
  );
  const holdMinutes = useCallback(
    (hold: boolean) => {
      if (hold) {
        held.current ??= [];
        return;
      }
      const queued = held.current ?? [];
      held.current = null;
      if (queued.length) Y.applyUpdate(doc, Y.mergeUpdates(queued), REMOTE);
    },
    [doc],
  );

  // Minutes: local edits batched into one Yjs update per MINUTES_FLUSH_MS; remote ones applied with origin REMOTE.
  const pendingMinutes = useRef<Uint8Array[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flushMinutes = useCallback(() => {
    flushTimer.current = null;
    if (!joinedRef.current || !pendingMinutes.current.length) return;
    const batch = pendingMinutes.current;
    pendingMinutes.current = [];
    const merged = batch.length === 1 ? batch[0] : Y.mergeUpdates(batch);
    request('minutes:update', { sessionId, update: merged }).catch((e: Error & { code?: string }) => {
      if (e.code === 'LIVE_MINUTES_LOCKED') {
        patch({ minutesLocked: true, error: e.message });
        return;
      }
      // Not stored: the next sync sends everything the server lacks (computed from its state vector).
      patch({ error: `纪要同步失败：${e.message}` });
    });
  }, [patch, request, sessionId]);

  useEffect(() => {
    const onUpdate = (u: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      pendingMinutes.current.push(u);
      flushTimer.current ??= setTimeout(flushMinutes, MINUTES_FLUSH_MS);
    };
    doc.on('update', onUpdate);
    return () => doc.off('update', onUpdate);
  }, [doc, flushMinutes]);

  useEffect(() => {
    const socket = io('/live', {
      auth: tokenAuth,
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    socketRef.current = socket;
    let disposed = false;
    // Set synchronously (state updates land later): the disconnect that follows an end must not read as a drop.
    let ended = false;
    const markEnded = (reason: 'ended' | 'cancelled', error?: string) => {
      ended = true;
      joinedRef.current = false;
      patch({ connection: 'ended', endedReason: reason, ...(error ? { error } : {}) });
      socket.disconnect();
    };

    const lastSeen = () => {
      const m = stateRef.current.messages;
      return m.length ? m[m.length - 1].id : undefined;
    };

    const join = async () => {
      try {
        const ack = await request<{
          session: { title: string; agenda: AgendaItem[]; currentAgendaIndex: number; status: string };
          canModerate: boolean;
          presence: Presence[];
          recentChat: ChatMessage[];
          missed: ChatMessage[];
          missedTruncated: boolean;
        }>('session:join', { sessionId, lastSeenMessageId: lastSeen() });
        joinedRef.current = true;
        update((s) => ({
          connection: 'connected',
          error: null,
          title: ack.session.title,
          agenda: ack.session.agenda ?? [],
          currentAgendaIndex: ack.session.currentAgendaIndex,
          canModerate: ack.canModerate,
          presence: ack.presence,
          messages: mergeMessages(mergeMessages(s.messages, ack.recentChat), ack.missed),
          missedTruncated: ack.missedTruncated,
          joins: s.joins + 1,
        }));
        const collab = await request<{
          hands: HandQueue;
          polls: PollState[];
          shares: SharedResource[];
          minutes: { locked: boolean };
          rubric: RoomState['rubric'];
        }>('collab:state', { sessionId });
        patch({ hands: collab.hands, polls: collab.polls, shares: collab.shares, minutesLocked: collab.minutes.locked, rubric: collab.rubric });
        // Minutes: take what the server has that we lack, then send what it lacks (edits made while offline).
        const sync = await request<{ update: ArrayBuffer; stateVector: ArrayBuffer; locked: boolean }>('minutes:sync', {
          sessionId,
          stateVector: Y.encodeStateVector(doc),
        });
        applyRemote(new Uint8Array(sync.update));
        const missing = Y.encodeStateAsUpdate(doc, new Uint8Array(sync.stateVector));
        pendingMinutes.current = [];
        if (!sync.locked && missing.byteLength > 2) {
          request('minutes:update', { sessionId, update: missing }).catch((e: Error) => patch({ error: `纪要同步失败：${e.message}` }));
        }
        // Messages typed while disconnected go out now.
        for (const o of stateRef.current.outgoing) deliver(o);
      } catch (e) {
        const err = e as Error & { code?: string };
        if (err.code === 'RESEARCH_SESSION_ENDED' || err.code === 'RESEARCH_SESSION_CANCELLED') {
          markEnded(err.code === 'RESEARCH_SESSION_ENDED' ? 'ended' : 'cancelled', err.message);
        } else if (err.code) patch({ connection: 'failed', error: err.message });
        // A timeout while the link flaps: the next 'connect' joins again.
      }
    };

    reconnectOnTokenExpiry(socket, {
      active: () => !disposed && !ended,
      onSignedOut: () => patch({ connection: 'failed', error: '登录已过期，请重新登录' }),
    });

    socket.on('connect', () => void join());
    socket.on('disconnect', () => {
      joinedRef.current = false;
      if (disposed || ended) return;
      // A close by the server (its token check) reconnects through reconnectOnTokenExpiry.
      patch({ connection: 'reconnecting' });
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      if (disposed || ended) return;
      if (isTokenRefusal(err)) return; // reconnectOnTokenExpiry refreshes and connects
      if (err.data?.message) patch({ connection: 'failed', error: err.data.message });
      else patch({ connection: stateRef.current.joins ? 'reconnecting' : 'connecting' });
    });
    socket.on('presence:update', (e: { joined?: Presence; left?: string }) =>
      update((s) => {
        let presence = s.presence;
        if (e.joined) presence = [...presence.filter((p) => p.userId !== e.joined!.userId), e.joined];
        if (e.left) presence = presence.filter((p) => p.userId !== e.left);
        return { presence };
      }),
    );
    socket.on('chat:message', (m: ChatMessage) =>
      update((s) => ({
        messages: mergeMessages(s.messages, [m]),
        outgoing: m.userId === myUserId ? s.outgoing.filter((o) => o.clientMsgId !== m.clientMsgId) : s.outgoing,
      })),
    );
    socket.on('agenda:update', (e: { currentAgendaIndex: number; agenda: AgendaItem[] }) => patch({ currentAgendaIndex: e.currentAgendaIndex, agenda: e.agenda }));
    socket.on('hand:queue', (e: HandQueue) => patch({ hands: { queue: e.queue, speaker: e.speaker } }));
    socket.on('poll:update', (e: PollState) =>
      update((s) => ({ polls: s.polls.some((p) => p.poll.id === e.poll.id) ? s.polls.map((p) => (p.poll.id === e.poll.id ? e : p)) : [...s.polls, e] })),
    );
    socket.on('resource:shared', (e: SharedResource) => update((s) => ({ shares: [...s.shares.filter((x) => x.id !== e.id), e] })));
    socket.on('minutes:update', (e: { update: ArrayBuffer }) => applyRemote(new Uint8Array(e.update)));
    socket.on('minutes:locked', (e: { locked: boolean }) => patch({ minutesLocked: e.locked }));
    socket.on('rubric:update', (e: { aggregate: RubricAggregate }) => update((s) => ({ rubric: { ...s.rubric, aggregate: e.aggregate } })));
    socket.on('session:ended', (e: { reason: 'ended' | 'cancelled' }) => markEnded(e.reason));

    // The browser knows before socket.io's heartbeat does: show the state at once and reconnect when back online.
    const offline = () => {
      if (ended) return;
      joinedRef.current = false;
      patch({ connection: 'reconnecting' });
      socket.disconnect();
    };
    const online = () => {
      if (!disposed && !ended && !socket.connected) socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);

    return () => {
      disposed = true;
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      if (socket.connected) socket.emit('session:leave', { sessionId }, () => socket.disconnect());
      else socket.disconnect();
      setTimeout(() => socket.disconnect(), 1000);
      socketRef.current = null;
      joinedRef.current = false;
    };
  }, [sessionId, myUserId, doc, request, patch, update, deliver, applyRemote]);

  const sendChat = useCallback(
    (text: string) => {
      const msg: OutgoingMessage = { clientMsgId: newClientMsgId(), text, status: 'pending' };
      update((s) => ({ outgoing: [...s.outgoing, msg] }));
      deliver(msg);
    },
    [deliver, update],
  );
  const retryChat = useCallback(
    (clientMsgId: string) => {
      const msg = stateRef.current.outgoing.find((o) => o.clientMsgId === clientMsgId);
      if (!msg) return;
      const again: OutgoingMessage = { ...msg, status: 'pending', error: undefined };
      update((s) => ({ outgoing: s.outgoing.map((o) => (o.clientMsgId === clientMsgId ? again : o)) }));
      deliver(again);
    },
    [deliver, update],
  );
  const leave = useCallback(() => socketRef.current?.disconnect(), []);

  return { sessionId, state, minutes, doc, sendChat, retryChat, request, leave, holdMinutes };
}
