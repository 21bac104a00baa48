import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, isUniqueViolation } from '@app/platform';
import type { HandQueueEvent } from '../live-collab.events';
import { LiveCollabParticipants } from '../live-collab-participants';
import { orderQueue } from './hand-queue';
import { LiveFloor } from './live-floor.entity';
import { LiveHand } from './live-hand.entity';

/**
 * The raise-hand queue (举手) and the floor (发言) of a live room, kept in the database so every api instance sees
 * the same queue. Rules: a second raise keeps the first one's place (unique row per person); lowering a hand also
 * ends that person's floor (a speaker lowers their hand when done); giving the floor takes the person out of the
 * queue, and only someone in the queue can be given the floor. Access (joined / moderator) is the gateway's job.
 */
@Injectable()
export class LiveHandsService {
  constructor(
    @InjectRepository(LiveHand) private readonly hands: Repository<LiveHand>,
    @InjectRepository(LiveFloor) private readonly floors: Repository<LiveFloor>,
    private readonly participants: LiveCollabParticipants,
  ) {}

  async raise(sessionId: string, userId: string): Promise<HandQueueEvent> {
    try {
      await this.hands.insert(this.hands.create({ sessionId, userId, raisedAt: new Date() }));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // already raised: keeps its place
    }
    return this.queue(sessionId);
  }

  async lower(sessionId: string, userId: string): Promise<HandQueueEvent> {
    await this.hands.delete({ sessionId, userId });
    await this.floors.delete({ sessionId, userId });
    return this.queue(sessionId);
  }

  /** Clears the queue; whoever has the floor keeps it. */
  async lowerAll(sessionId: string): Promise<HandQueueEvent> {
    await this.hands.delete({ sessionId });
    return this.queue(sessionId);
  }

  async give(sessionId: string, userId: string, givenByUserId: string): Promise<HandQueueEvent> {
    const removed = await this.hands.delete({ sessionId, userId });
    if (!removed.affected) throw new DomainException('LIVE_HAND_NOT_RAISED');
    const since = new Date();
    // One floor row per session (unique index): insert, or take over the existing row when there is one.
    const updated = await this.floors.update({ sessionId }, { userId, givenByUserId, since });
    if (!updated.affected) {
      try {
        await this.floors.insert(this.floors.create({ sessionId, userId, givenByUserId, since }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await this.floors.update({ sessionId }, { userId, givenByUserId, since });
      }
    }
    return this.queue(sessionId);
  }

  async queue(sessionId: string): Promise<HandQueueEvent> {
    const [rows, floor] = await Promise.all([
      this.hands.find({ where: { sessionId }, select: { id: true, userId: true, raisedAt: true } }),
      this.floors.findOne({ where: { sessionId } }),
    ]);
    const ordered = orderQueue(rows);
    const people = await this.participants.describe([...ordered.map((r) => r.userId), ...(floor ? [floor.userId] : [])]);
    return {
      sessionId,
      queue: ordered.map((r) => ({ ...people.get(r.userId)!, raisedAt: r.raisedAt.toISOString() })),
      speaker: floor ? { ...people.get(floor.userId)!, since: floor.since.toISOString() } : null,
    };
  }
}
