import type { RubricAggregate } from './rubric/rubric';

/*
 * Collaboration protocol of /live (every client event needs an ack: `{ok: true, ...}` or `{ok: false, error}`;
 * the sender must have joined the session (LIVE_NOT_JOINED), host controls need a moderator (LIVE_MODERATOR_ONLY)):
 *
 *  collab:state   {sessionId}                      ack: {hands, polls, shares, minutes: {locked}, rubric: {criteria,
 *                                                  scale, aggregate, mine}} — everything to draw the panels on (re)join
 *  hand:raise     {sessionId}                      ack + broadcast hand:queue; a second raise keeps its place
 *  hand:lower     {sessionId, userId?}             own hand, or (moderator) someone's; also ends that person's floor
 *  hand:lowerAll  {sessionId}                      moderator; clears the queue (the speaker keeps the floor)
 *  hand:give      {sessionId, userId}              moderator; the user must have raised (LIVE_HAND_NOT_RAISED),
 *                                                  leaves the queue and becomes `speaker`
 *  poll:create    {sessionId, question, options[2..10], multiple?}   moderator; broadcast poll:update
 *  poll:vote      {pollId, optionIndex}            one vote per person (per option when `multiple`); a second vote is
 *                                                  refused with LIVE_POLL_ALREADY_VOTED — votes are not changed, so
 *                                                  tallies people saw stay true; closed poll: LIVE_POLL_CLOSED.
 *                                                  The ack has the fresh tallies; the room's poll:update is coalesced
 *                                                  to one per 150 ms per poll during a burst of votes.
 *  poll:close     {pollId}                         moderator; idempotent; broadcast poll:update (status closed)
 *  resource:share {sessionId, resourceId}          the sharer must see the resource (else RESOURCE_NOT_FOUND);
 *                                                  broadcast resource:shared with title, type and the api links
 *  minutes:sync   {sessionId, stateVector?}        ack: {update, stateVector, locked}: the Yjs update the client lacks
 *  minutes:update {sessionId, update}              a Yjs update of `doc.getText('minutes')`, binary or base64,
 *                                                  at most LIVE_MINUTES_UPDATE_MAX_BYTES; stored, then sent to the
 *                                                  others as minutes:update {sessionId, update (binary)}. Clients
 *                                                  should batch keystrokes (the per-socket event rate limit applies)
 *  minutes:lock   {sessionId, locked?=true}        moderator; broadcast minutes:locked; edits then LIVE_MINUTES_LOCKED
 *  rubric:score   {sessionId, scores, comment?}    any participant; every criterion of DEFAULT_RUBRIC an integer 1..10,
 *                                                  comment <= 500; one scorecard per person, updatable; broadcast
 *                                                  rubric:update {sessionId, aggregate: {criteria: [{key, label,
 *                                                  weight, mean, count}], overall (0..100, weighted), scorecards}}
 */

/** Client events handled by LiveCollabGateway (all with an ack, like every /live event). */
export const LIVE_COLLAB_CLIENT_EVENTS = {
  state: 'collab:state',
  handRaise: 'hand:raise',
  handLower: 'hand:lower',
  handLowerAll: 'hand:lowerAll',
  handGive: 'hand:give',
  pollCreate: 'poll:create',
  pollVote: 'poll:vote',
  pollClose: 'poll:close',
  resourceShare: 'resource:share',
  minutesSync: 'minutes:sync',
  minutesUpdate: 'minutes:update',
  minutesLock: 'minutes:lock',
  rubricScore: 'rubric:score',
} as const;

export const LIVE_COLLAB_SERVER_EVENTS = {
  handQueue: 'hand:queue',
  pollUpdate: 'poll:update',
  resourceShared: 'resource:shared',
  minutesUpdate: 'minutes:update',
  minutesLocked: 'minutes:locked',
  rubricUpdate: 'rubric:update',
} as const;

export interface ParticipantRef {
  userId: string;
  name: string;
  school: string;
}

export interface HandQueueEvent {
  sessionId: string;
  /** Raised hands in raise order. */
  queue: (ParticipantRef & { raisedAt: string })[];
  /** Who has the floor, or null. */
  speaker: (ParticipantRef & { since: string }) | null;
}

export interface PollView {
  id: string;
  sessionId: string;
  question: string;
  options: string[];
  multiple: boolean;
  status: 'open' | 'closed';
  createdByUserId: string;
  createdAt: string;
  closedAt: string | null;
}

export interface PollUpdateEvent {
  poll: PollView;
  /** Votes per option, in option order. */
  tallies: number[];
  totalVotes: number;
  voters: number;
  status: 'open' | 'closed';
}

export interface ResourceSharedEvent {
  id: string;
  sessionId: string;
  resource: { id: string; title: string; type: string };
  /** The api paths of the resource and its download; both check the receiver's own access. */
  link: string;
  downloadLink: string;
  sharedBy: ParticipantRef;
  sharedAt: string;
}

export interface MinutesUpdateEvent {
  sessionId: string;
  /** A Yjs update (binary). */
  update: Buffer;
}

export interface MinutesLockedEvent {
  sessionId: string;
  locked: boolean;
  lockedByUserId: string | null;
  lockedAt: string | null;
}

export interface RubricUpdateEvent {
  sessionId: string;
  aggregate: RubricAggregate;
}
