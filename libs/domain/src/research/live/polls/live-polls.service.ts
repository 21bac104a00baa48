import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, isUniqueViolation } from '@app/platform';
import type { PollUpdateEvent } from '../live-collab.events';
import { LivePoll } from './live-poll.entity';
import { LivePollVote } from './live-poll-vote.entity';
import { choiceKey, normalisePoll, tallyCounts } from './poll-rules';

/**
 * Polls (投票) of a live room. One vote per person is enforced by the unique index of live_poll_votes, so it holds
 * across api instances; a second vote is refused with LIVE_POLL_ALREADY_VOTED (votes are not changed: a teacher's
 * answer stands as cast, which keeps the tallies everybody saw honest). Votes to a closed poll are refused.
 */
@Injectable()
export class LivePollsService {
  constructor(
    @InjectRepository(LivePoll) private readonly polls: Repository<LivePoll>,
    @InjectRepository(LivePollVote) private readonly votes: Repository<LivePollVote>,
  ) {}

  async create(sessionId: string, createdByUserId: string, input: { question: string; options: string[]; multiple: boolean }): Promise<PollUpdateEvent> {
    const { question, options } = normalisePoll(input.question, input.options);
    const poll = await this.polls.save(this.polls.create({ sessionId, question, options, multiple: input.multiple, status: 'open', createdByUserId, createdAt: new Date(), closedAt: null }));
    return this.view(poll);
  }

  /** The poll, or LIVE_POLL_NOT_FOUND (the gateway then checks the caller joined its session). */
  async find(pollId: string): Promise<LivePoll> {
    const poll = await this.polls.findOne({ where: { id: pollId } });
    if (!poll) throw new DomainException('LIVE_POLL_NOT_FOUND');
    return poll;
  }

  async vote(poll: LivePoll, userId: string, optionIndex: number): Promise<PollUpdateEvent> {
    if (poll.status !== 'open') throw new DomainException('LIVE_POLL_CLOSED');
    if (!Number.isInteger(optionIndex) || optionIndex < 0 || optionIndex >= poll.options.length) throw new DomainException('LIVE_POLL_OPTION_INVALID');
    try {
      await this.votes.insert(this.votes.create({ pollId: poll.id, userId, optionIndex, choiceKey: choiceKey(poll.multiple, optionIndex), createdAt: new Date() }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('LIVE_POLL_ALREADY_VOTED');
      throw err;
    }
    // The poll may have been closed by another instance between the read above and the insert: such a vote is
    // taken back, so a closed poll's tallies never move.
    const now = await this.polls.findOne({ where: { id: poll.id } });
    if (!now || now.status !== 'open') {
      await this.votes.delete({ pollId: poll.id, userId, choiceKey: choiceKey(poll.multiple, optionIndex) });
      throw new DomainException('LIVE_POLL_CLOSED');
    }
    return this.view(now);
  }

  /** Closes the poll (idempotent: closing a closed poll returns its final state). */
  async close(poll: LivePoll): Promise<PollUpdateEvent> {
    if (poll.status === 'open') await this.polls.update({ id: poll.id, status: 'open' }, { status: 'closed', closedAt: new Date() });
    return this.view(await this.find(poll.id));
  }

  async forSession(sessionId: string): Promise<PollUpdateEvent[]> {
    const polls = await this.polls.find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!polls.length) return [];
    const counts = await this.counts(polls.map((p) => p.id));
    return polls.map((p) => this.toEvent(p, counts.get(p.id)));
  }

  async view(poll: LivePoll): Promise<PollUpdateEvent> {
    return this.toEvent(poll, (await this.counts([poll.id])).get(poll.id));
  }

  private async counts(pollIds: string[]): Promise<Map<string, { perOption: { optionIndex: number; count: number }[]; voters: number }>> {
    const [perOption, voters] = await Promise.all([
      this.votes
        .createQueryBuilder('v')
        .select('v.pollId', 'pollId')
        .addSelect('v.optionIndex', 'optionIndex')
        .addSelect('COUNT(*)', 'count')
        .where({ pollId: In(pollIds) })
        .groupBy('v.pollId')
        .addGroupBy('v.optionIndex')
        .getRawMany<{ pollId: string; optionIndex: number | string; count: number | string }>(),
      this.votes
        .createQueryBuilder('v')
        .select('v.pollId', 'pollId')
        .addSelect('COUNT(DISTINCT v.userId)', 'voters')
        .where({ pollId: In(pollIds) })
        .groupBy('v.pollId')
        .getRawMany<{ pollId: string; voters: number | string }>(),
    ]);
    const out = new Map<string, { perOption: { optionIndex: number; count: number }[]; voters: number }>();
    for (const id of pollIds) out.set(id, { perOption: [], voters: 0 });
    for (const r of perOption) out.get(r.pollId)!.perOption.push({ optionIndex: Number(r.optionIndex), count: Number(r.count) });
    for (const r of voters) out.get(r.pollId)!.voters = Number(r.voters);
    return out;
  }

  private toEvent(poll: LivePoll, counts?: { perOption: { optionIndex: number; count: number }[]; voters: number }): PollUpdateEvent {
    const { tallies, totalVotes } = tallyCounts(poll.options.length, counts?.perOption ?? []);
    return {
      poll: {
        id: poll.id,
        sessionId: poll.sessionId,
        question: poll.question,
        options: poll.options,
        multiple: poll.multiple,
        status: poll.status,
        createdByUserId: poll.createdByUserId,
        createdAt: poll.createdAt.toISOString(),
        closedAt: poll.closedAt ? poll.closedAt.toISOString() : null,
      },
      tallies,
      totalVotes,
      voters: counts?.voters ?? 0,
      status: poll.status,
    };
  }
}
