import { Injectable } from '@nestjs/common';
import type { ObligationKind } from './partnership-obligation.entity';

/** A term as the counters see it: records of `partnershipId` dated startDate..endDate (inclusive) count for it. */
export interface TermSpanRef {
  id: string;
  partnershipId: string;
  startDate: string;
  endDate: string;
}

/** Counts the records of one obligation kind per term id (terms with none may be left out). */
export type ObligationCounter = (terms: readonly TermSpanRef[]) => Promise<Map<string, number>>;

/**
 * Where contexts that keep the records an obligation asks for (resource pushes, later research sessions) plug their
 * counts in, so partnerships need not depend on them. A kind with a counter is reported as `recorded`; one without
 * stays `not_yet_tracked`. On-site visits are partnerships' own records and are counted directly.
 */
@Injectable()
export class ObligationCounters {
  private readonly counters = new Map<ObligationKind, ObligationCounter>();

  register(kind: ObligationKind, counter: ObligationCounter): void {
    if (kind === 'onsite_visit' || this.counters.has(kind)) throw new Error(`An obligation counter for ${kind} is already registered`);
    this.counters.set(kind, counter);
  }

  has(kind: ObligationKind): boolean {
    return kind === 'onsite_visit' || this.counters.has(kind);
  }

  /** Every registered counter's counts for the terms: kind -> term id -> count. */
  async count(terms: readonly TermSpanRef[]): Promise<Map<ObligationKind, Map<string, number>>> {
    const entries = await Promise.all([...this.counters].map(async ([kind, counter]) => [kind, await counter(terms)] as const));
    return new Map(entries);
  }
}
