import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { DomainException } from '@app/platform';
import { LIVE_COLLAB_CLIENT_EVENTS as E, LIVE_COLLAB_SERVER_EVENTS as S, PollUpdateEvent } from './live-collab.events';
import { LiveRooms } from './live-rooms';
import {
  LIVE_NAMESPACE,
  LiveSocket,
  onLiveEvent,
  optionalString,
  payloadObject,
  requiredInt,
  requiredString,
  requireJoined,
  requireModerator,
  sessionIdOf,
  sessionRoom,
} from './live.protocol';
import { LiveHandsService } from './hands/live-hands.service';
import { LiveMinutesService } from './minutes/live-minutes.service';
import { LivePollsService } from './polls/live-polls.service';
import { POLL_MAX_OPTIONS, POLL_OPTION_MAX, POLL_QUESTION_MAX } from './polls/poll-rules';
import { DEFAULT_RUBRIC, RUBRIC_MAX_SCORE, RUBRIC_MIN_SCORE } from './rubric/rubric';
import { LiveRubricService } from './rubric/live-rubric.service';
import { LiveSharesService } from './shares/live-shares.service';

/** Live tallies are broadcast at most this often per poll (each voter's ack carries the fresh tallies at once). */
const POLL_BROADCAST_MS = 150;

const invalid = (what: string) => new DomainException('LIVE_EVENT_INVALID', `消息格式不正确：${what}`);

/**
 * The collaboration events of the /live namespace (hands, polls, shared resources, minutes, rubric). A second
 * gateway on the namespace: LiveGateway owns the handshake (its middleware authenticates every socket of the
 * namespace), joining, presence and chat; this one binds its events on each connection with the same
 * onLiveEvent convention and reads the join decisions LiveGateway keeps in socket.data. All state is in the
 * database (several api instances share a room), and every change is broadcast to the room `session:{id}`.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveCollabGateway implements OnGatewayConnection<LiveSocket>, OnModuleDestroy {
  private readonly logger = new Logger(LiveCollabGateway.name);
  private readonly pendingPollBroadcasts = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly rooms: LiveRooms,
    private readonly hands: LiveHandsService,
    private readonly polls: LivePollsService,
    private readonly shares: LiveSharesService,
    private readonly minutes: LiveMinutesService,
    private readonly rubric: LiveRubricService,
  ) {}

  handleConnection(socket: LiveSocket): void {
    const on = (event: string, handler: (body: Record<string, unknown>) => Promise<object>) =>
      onLiveEvent(socket, event, this.logger, (payload) => handler(payloadObject(payload)));

    on(E.state, (body) => this.state(socket, body));

    // ---- hands ----
    on(E.handRaise, async (body) => {
      const sessionId = sessionIdOf(body);
      requireJoined(socket, sessionId);
      return this.broadcastQueue(await this.hands.raise(sessionId, socket.data.principal.userId));
    });
    on(E.handLower, async (body) => {
      const sessionId = sessionIdOf(body);
      const self = socket.data.principal.userId;
      const userId = optionalString(body, 'userId', 36) ?? self;
      if (userId === self) requireJoined(socket, sessionId);
      else requireModerator(socket, sessionId);
      return this.broadcastQueue(await this.hands.lower(sessionId, userId));
    });
    on(E.handLowerAll, async (body) => {
      const sessionId = sessionIdOf(body);
      requireModerator(socket, sessionId);
      return this.broadcastQueue(await this.hands.lowerAll(sessionId));
    });
    on(E.handGive, async (body) => {
      const sessionId = sessionIdOf(body);
      requireModerator(socket, sessionId);
      const userId = requiredString(body, 'userId', 36);
      return this.broadcastQueue(await this.hands.give(sessionId, userId, socket.data.principal.userId));
    });

    // ---- polls ----
    on(E.pollCreate, async (body) => {
      const sessionId = sessionIdOf(body);
      requireModerator(socket, sessionId);
      const question = requiredString(body, 'question', POLL_QUESTION_MAX);
      const options = body.options;
      if (!Array.isArray(options) || options.length > POLL_MAX_OPTIONS || options.some((o) => typeof o !== 'string' || o.length > POLL_OPTION_MAX)) {
        throw new DomainException('LIVE_POLL_INVALID');
      }
      if (body.multiple !== undefined && typeof body.multiple !== 'boolean') throw invalid('multiple 应为 true 或 false');
      const update = await this.polls.create(sessionId, socket.data.principal.userId, { question, options: options as string[], multiple: body.multiple === true });
      this.rooms.emitToSession(sessionId, S.pollUpdate, update);
      return update;
    });
    on(E.pollVote, async (body) => {
      const poll = await this.joinedPoll(socket, body);
      const update = await this.polls.vote(poll, socket.data.principal.userId, requiredInt(body, 'optionIndex'));
      this.schedulePollBroadcast(poll.sessionId, poll.id);
      return update;
    });
    on(E.pollClose, async (body) => {
      const poll = await this.joinedPoll(socket, body);
      requireModerator(socket, poll.sessionId);
      const update = await this.polls.close(poll);
      this.cancelPollBroadcast(poll.id);
      this.rooms.emitToSession(poll.sessionId, S.pollUpdate, update);
      return update;
    });

    // ---- shared resources ----
    on(E.resourceShare, async (body) => {
      const sessionId = sessionIdOf(body);
      requireJoined(socket, sessionId);
      const shared = await this.shares.share(socket.data.principal, sessionId, requiredString(body, 'resourceId', 36));
      this.rooms.emitToSession(sessionId, S.resourceShared, shared);
      return { shared };
    });

    // ---- minutes ----
    on(E.minutesSync, async (body) => {
      const sessionId = sessionIdOf(body);
      requireJoined(socket, sessionId);
      return this.minutes.sync(sessionId, body.stateVector);
    });
    on(E.minutesUpdate, async (body) => {
      const sessionId = sessionIdOf(body);
      requireJoined(socket, sessionId);
      const update = await this.minutes.apply(sessionId, socket.data.principal.userId, body.update);
      // To the others only (the sender already has it), on every instance through the adapter.
      socket.to(sessionRoom(sessionId)).emit(S.minutesUpdate, { sessionId, update });
      return {};
    });
    on(E.minutesLock, async (body) => {
      const sessionId = sessionIdOf(body);
      requireModerator(socket, sessionId);
      if (body.locked !== undefined && typeof body.locked !== 'boolean') throw invalid('locked 应为 true 或 false');
      const state = await this.minutes.setLocked(sessionId, socket.data.principal.userId, body.locked !== false);
      this.rooms.emitToSession(sessionId, S.minutesLocked, state);
      return state;
    });

    // ---- rubric ----
    on(E.rubricScore, async (body) => {
      const sessionId = sessionIdOf(body);
      requireJoined(socket, sessionId);
      const update = await this.rubric.score(sessionId, socket.data.principal.userId, body.scores, body.comment);
      this.rooms.emitToSession(sessionId, S.rubricUpdate, update);
      return { ...update, mine: await this.rubric.mine(sessionId, socket.data.principal.userId) };
    });
  }

  onModuleDestroy(): void {
    for (const timer of this.pendingPollBroadcasts.values()) clearTimeout(timer);
    this.pendingPollBroadcasts.clear();
  }

  /** Everything a client needs to draw the collaboration panels after joining (or rejoining) a session. */
  private async state(socket: LiveSocket, body: Record<string, unknown>): Promise<object> {
    const sessionId = sessionIdOf(body);
    requireJoined(socket, sessionId);
    const userId = socket.data.principal.userId;
    const [hands, polls, shares, minutes, rubric, mine] = await Promise.all([
      this.hands.queue(sessionId),
      this.polls.forSession(sessionId),
      this.shares.forSession(sessionId),
      this.minutes.lockState(sessionId),
      this.rubric.aggregate(sessionId),
      this.rubric.mine(sessionId, userId),
    ]);
    return {
      sessionId,
      hands,
      polls,
      shares,
      minutes,
      rubric: { criteria: DEFAULT_RUBRIC, scale: { min: RUBRIC_MIN_SCORE, max: RUBRIC_MAX_SCORE }, aggregate: rubric.aggregate, mine },
    };
  }

  private broadcastQueue<T extends { sessionId: string }>(queue: T): T {
    this.rooms.emitToSession(queue.sessionId, S.handQueue, queue);
    return queue;
  }

  /** The poll named by `pollId`, if the caller joined its session; otherwise it does not exist for them. */
  private async joinedPoll(socket: LiveSocket, body: Record<string, unknown>) {
    const poll = await this.polls.find(requiredString(body, 'pollId', 36));
    if (!socket.data.joined?.has(poll.sessionId)) throw new DomainException('LIVE_POLL_NOT_FOUND');
    return poll;
  }

  /** Coalesces the tallies broadcast of a burst of votes into one event per POLL_BROADCAST_MS. */
  private schedulePollBroadcast(sessionId: string, pollId: string): void {
    if (this.pendingPollBroadcasts.has(pollId)) return;
    const timer = setTimeout(() => {
      this.pendingPollBroadcasts.delete(pollId);
      this.polls
        .find(pollId)
        .then((poll) => this.polls.view(poll))
        .then(
          (update: PollUpdateEvent) => this.rooms.emitToSession(sessionId, S.pollUpdate, update),
          (err: unknown) => this.logger.error({ err, pollId }, 'poll tallies broadcast failed'),
        );
    }, POLL_BROADCAST_MS);
    timer.unref();
    this.pendingPollBroadcasts.set(pollId, timer);
  }

  private cancelPollBroadcast(pollId: string): void {
    const timer = this.pendingPollBroadcasts.get(pollId);
    if (timer) clearTimeout(timer);
    this.pendingPollBroadcasts.delete(pollId);
  }
}
