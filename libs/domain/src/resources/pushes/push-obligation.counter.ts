import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ObligationCounters, TermSpanRef } from '../../partnerships/obligation-counters';
import { PartnershipTerm } from '../../partnerships/partnership-term.entity';
import { Push } from './push.entity';
import { PushItem } from './push-item.entity';
import { PushReceipt } from './push-receipt.entity';

/**
 * Makes the partnerships' "resources pushed" (资源推送) obligation count real pushes: the distinct resources pushed
 * during a term (push day in Asia/Shanghai) in pushes that count for the partnership — to its member schools as a
 * partnership target, or by one of its mentors (see attributionFor). Pushing a resource again in the same term, or
 * to several member schools, counts it once.
 */
@Injectable()
export class PushObligationCounter implements OnModuleInit {
  constructor(
    @InjectRepository(PushReceipt) private readonly receipts: Repository<PushReceipt>,
    private readonly counters: ObligationCounters,
  ) {}

  onModuleInit(): void {
    this.counters.register('resource_push', (terms) => this.count(terms));
  }

  async count(terms: readonly TermSpanRef[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!terms.length) return out;
    const rows = await this.receipts
      .createQueryBuilder('r')
      .innerJoin(Push, 'p', 'p.id = r.pushId')
      .innerJoin(PushItem, 'i', 'i.pushId = r.pushId')
      .innerJoin(PartnershipTerm, 't', 't.partnershipId = r.partnershipId AND p.pushedOn >= t.startDate AND p.pushedOn <= t.endDate')
      .select('t.id', 'termId')
      .addSelect('COUNT(DISTINCT i.resourceId)', 'n')
      .where('t.id IN (:...termIds)', { termIds: terms.map((t) => t.id) })
      .groupBy('t.id')
      .getRawMany<{ termId: string; n: string | number }>();
    for (const row of rows) out.set(row.termId, Number(row.n));
    return out;
  }
}
