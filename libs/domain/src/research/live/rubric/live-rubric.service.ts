import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, isUniqueViolation } from '@app/platform';
import type { RubricUpdateEvent } from '../live-collab.events';
import { LiveRubricScore } from './live-rubric-score.entity';
import { aggregateRubric, RUBRIC_COMMENT_MAX, validateScorecard } from './rubric';

/**
 * The lesson-evaluation rubric (听课评课) of a live room: any joined participant scores every criterion of the
 * default rubric 1..10; one scorecard per person and session, which they may update; everyone sees the aggregate.
 */
@Injectable()
export class LiveRubricService {
  constructor(@InjectRepository(LiveRubricScore) private readonly scores: Repository<LiveRubricScore>) {}

  async score(sessionId: string, userId: string, rawScores: unknown, rawComment: unknown): Promise<RubricUpdateEvent> {
    const scores = validateScorecard(rawScores);
    let comment: string | null = null;
    if (rawComment !== undefined && rawComment !== null) {
      if (typeof rawComment !== 'string' || rawComment.length > RUBRIC_COMMENT_MAX) {
        throw new DomainException('LIVE_RUBRIC_SCORES_INVALID', `评语须为不超过 ${RUBRIC_COMMENT_MAX} 字的文字`);
      }
      comment = rawComment.trim() || null;
    }
    const now = new Date();
    const updated = await this.scores.update({ sessionId, userId }, { scores, comment, updatedAt: now });
    if (!updated.affected) {
      try {
        await this.scores.insert(this.scores.create({ sessionId, userId, scores, comment, createdAt: now, updatedAt: now }));
      } catch (err) {
        // The same person scoring from two sockets at once: the later write wins.
        if (!isUniqueViolation(err)) throw err;
        await this.scores.update({ sessionId, userId }, { scores, comment, updatedAt: now });
      }
    }
    return this.aggregate(sessionId);
  }

  async aggregate(sessionId: string): Promise<RubricUpdateEvent> {
    const cards = await this.scores.find({ where: { sessionId }, select: { id: true, scores: true } });
    return { sessionId, aggregate: aggregateRubric(cards.map((c) => c.scores)) };
  }

  async mine(sessionId: string, userId: string): Promise<{ scores: Record<string, number>; comment: string | null; updatedAt: string } | null> {
    const card = await this.scores.findOne({ where: { sessionId, userId } });
    return card ? { scores: card.scores, comment: card.comment, updatedAt: card.updatedAt.toISOString() } : null;
  }

  async forSession(sessionId: string): Promise<LiveRubricScore[]> {
    return this.scores.find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
