import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Not, Repository } from 'typeorm';
import { ObligationCounters, TermSpanRef } from '../../partnerships/obligation-counters';
import { ResearchSession } from './research-session.entity';

const DAY = 24 * 3600_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** UTC bounds [from, to) of the Shanghai calendar days startDate..endDate (inclusive). */
export function termBoundsUtc(startDate: string, endDate: string): { from: number; to: number } {
  return { from: Date.parse(`${startDate}T00:00:00Z`) - SHANGHAI_OFFSET_MS, to: Date.parse(`${endDate}T00:00:00Z`) + DAY - SHANGHAI_OFFSET_MS };
}

/**
 * Makes the partnerships' "joint research sessions" (联合教研) obligation count real sessions: non-cancelled
 * sessions linked to the partnership whose start falls on a day of the term (Asia/Shanghai).
 */
@Injectable()
export class SessionObligationCounter implements OnModuleInit {
  constructor(
    @InjectRepository(ResearchSession) private readonly sessions: Repository<ResearchSession>,
    private readonly counters: ObligationCounters,
  ) {}

  onModuleInit(): void {
    this.counters.register('joint_research_session', (terms) => this.count(terms));
  }

  async count(terms: readonly TermSpanRef[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!terms.length) return out;
    // Few sessions per partnership: read their start times and bucket per term here, the same way on every dialect.
    const rows = await this.sessions.find({
      where: { partnershipId: In([...new Set(terms.map((t) => t.partnershipId))]), status: Not('cancelled') },
      select: { id: true, partnershipId: true, startsAt: true },
    });
    for (const t of terms) {
      const { from, to } = termBoundsUtc(t.startDate, t.endDate);
      const n = rows.filter((s) => s.partnershipId === t.partnershipId && s.startsAt.getTime() >= from && s.startsAt.getTime() < to).length;
      if (n) out.set(t.id, n);
    }
    return out;
  }
}
