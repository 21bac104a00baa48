import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import * as Y from 'yjs';
import { DataSource, In, Repository } from 'typeorm';
import { AppConfig, DomainException, isUniqueViolation } from '@app/platform';
import type { MinutesLockedEvent } from '../live-collab.events';
import { LiveMinutesLock } from './live-minutes-lock.entity';
import { LiveMinutesUpdate } from './live-minutes-update.entity';
import { mergeStored, minutesText, missingFor, parseStateVector, parseUpdate, planCompaction } from './minutes-doc';

/** A stored row is a BLOB (MySQL: < 64 KiB); compacted rows stay under this. */
const COMPACT_ROW_MAX_BYTES = 60000;

/**
 * The shared minutes (共享纪要) of a live room: a Yjs document (`doc.getText('minutes')`) stored as append-only
 * update rows. Yjs updates commute, so api instances append without a lock and any instance's load (merge of all
 * rows) is the same document; when a session has many rows, a load compacts runs of them into few rows (each
 * instance deletes exactly the rows it merged, so a concurrent append is never lost; a concurrent second compaction
 * only leaves a duplicate that merging ignores).
 */
@Injectable()
export class LiveMinutesService {
  private readonly logger = new Logger(LiveMinutesService.name);

  constructor(
    @InjectRepository(LiveMinutesUpdate) private readonly updates: Repository<LiveMinutesUpdate>,
    @InjectRepository(LiveMinutesLock) private readonly locks: Repository<LiveMinutesLock>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** What a client with `stateVector` lacks, the server's state vector and whether the minutes are locked. */
  async sync(sessionId: string, rawStateVector: unknown): Promise<{ update: Buffer; stateVector: Buffer; locked: boolean }> {
    const stateVector = parseStateVector(rawStateVector);
    const [merged, lock] = await Promise.all([this.load(sessionId), this.locks.findOne({ where: { sessionId } })]);
    return {
      update: Buffer.from(missingFor(merged, stateVector)),
      stateVector: Buffer.from(Y.encodeStateVectorFromUpdate(merged)),
      locked: !!lock,
    };
  }

  /** Checks and stores one client update; returns the bytes to broadcast. */
  async apply(sessionId: string, userId: string, rawUpdate: unknown): Promise<Buffer> {
    const update = Buffer.from(parseUpdate(rawUpdate, this.config.LIVE_MINUTES_UPDATE_MAX_BYTES));
    if (await this.locks.exists({ where: { sessionId } })) throw new DomainException('LIVE_MINUTES_LOCKED');
    await this.updates.insert(this.updates.create({ sessionId, userId, update, createdAt: new Date() }));
    return update;
  }

  async setLocked(sessionId: string, userId: string, locked: boolean): Promise<MinutesLockedEvent> {
    if (locked) {
      try {
        await this.locks.insert(this.locks.create({ sessionId, lockedByUserId: userId, lockedAt: new Date() }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // already locked
      }
    } else {
      await this.locks.delete({ sessionId });
    }
    return this.lockState(sessionId);
  }

  async lockState(sessionId: string): Promise<MinutesLockedEvent> {
    const lock = await this.locks.findOne({ where: { sessionId } });
    return { sessionId, locked: !!lock, lockedByUserId: lock?.lockedByUserId ?? null, lockedAt: lock ? lock.lockedAt.toISOString() : null };
  }

  async text(sessionId: string): Promise<string> {
    return minutesText(await this.load(sessionId));
  }

  /** The merged document; compacts when the session has more than LIVE_MINUTES_COMPACT_AFTER rows. */
  async load(sessionId: string): Promise<Uint8Array> {
    const rows = await this.updates.find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const bytes = rows.map((r) => new Uint8Array(r.update));
    const merged = mergeStored(bytes);
    if (rows.length > this.config.LIVE_MINUTES_COMPACT_AFTER) {
      // Best effort: a failed compaction leaves the rows as they were, and the merge above is already correct.
      await this.compact(sessionId, rows).catch((err: unknown) => this.logger.warn({ err, sessionId }, 'minutes compaction failed'));
    }
    return merged;
  }

  private async compact(sessionId: string, rows: LiveMinutesUpdate[]): Promise<void> {
    const groups = planCompaction(rows.map((r) => ({ id: r.id, createdAt: r.createdAt, update: new Uint8Array(r.update) })), COMPACT_ROW_MAX_BYTES);
    for (const group of groups) {
      // The merged row takes its first row's place in storage order.
      const createdAt = group.rows[0].createdAt;
      await this.dataSource.transaction(async (em) => {
        await em.insert(LiveMinutesUpdate, em.create(LiveMinutesUpdate, { sessionId, userId: null, update: Buffer.from(group.merged), createdAt }));
        await em.delete(LiveMinutesUpdate, { id: In(group.rows.map((r) => r.id)) });
      });
    }
  }
}
