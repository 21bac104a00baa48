import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, MoreThanOrEqual, Repository } from 'typeorm';
import { shanghaiDate } from '@app/platform';
import { PartnershipStatus } from './partnership.entity';
import { PartnershipTerm } from './partnership-term.entity';
import { OBLIGATION_KINDS, ObligationKind, PartnershipObligation } from './partnership-obligation.entity';
import { PartnershipVisit } from './partnership-visit.entity';
import { HEALTH_LABELS, OBLIGATION_LABELS } from './partnership-labels';
import { OBLIGATION_SOURCES, obligationProgress, partnershipHealth } from './partnership-rules';
import { HealthView, ObligationView, TermView } from './partnerships.dto';
import { ObligationCounters } from './obligation-counters';

export interface Progress {
  term: TermView | null;
  health: HealthView;
}

type Counts = Record<ObligationKind, number>;
const zeroCounts = (): Counts => Object.fromEntries(OBLIGATION_KINDS.map((k) => [k, 0])) as Counts;

/**
 * Counts what the obligations ask for from real records, and derives each partnership's health. On-site visits
 * are counted here; other kinds come from the counter their context registered in ObligationCounters (resource
 * pushes), and a kind without one reports 0 with source `not_yet_tracked`.
 */
@Injectable()
export class PartnershipProgressService {
  constructor(
    @InjectRepository(PartnershipTerm) private readonly terms: Repository<PartnershipTerm>,
    @InjectRepository(PartnershipObligation) private readonly obligations: Repository<PartnershipObligation>,
    @InjectRepository(PartnershipVisit) private readonly visits: Repository<PartnershipVisit>,
    private readonly counters: ObligationCounters,
  ) {}

  /** The term covering `today` of each partnership, with its obligations' progress and the resulting health. */
  async current(partnerships: { id: string; status: PartnershipStatus }[], today = shanghaiDate()): Promise<Map<string, Progress>> {
    const ids = partnerships.map((p) => p.id);
    const terms = ids.length
      ? await this.terms.find({ where: { partnershipId: In(ids), startDate: LessThanOrEqual(today), endDate: MoreThanOrEqual(today) } })
      : [];
    const views = await this.termViews(terms, today);
    const byPartnership = new Map(terms.map((t) => [t.partnershipId, views.get(t.id)!]));
    const out = new Map<string, Progress>();
    for (const p of partnerships) out.set(p.id, this.progress(p.status, byPartnership.get(p.id) ?? null));
    return out;
  }

  progress(status: PartnershipStatus, term: TermView | null): Progress {
    const result = partnershipHealth(status, term, term?.obligations ?? []);
    return {
      term,
      health: { status: result.status, label: HEALTH_LABELS[result.status], reasons: result.reasons, termId: term?.id ?? null, termLabel: term?.label ?? null },
    };
  }

  /** Terms with their obligations and counts, keyed by term id. */
  async termViews(terms: PartnershipTerm[], today = shanghaiDate()): Promise<Map<string, TermView>> {
    const out = new Map<string, TermView>();
    if (!terms.length) return out;
    const termIds = terms.map((t) => t.id);
    const [obligations, counts] = await Promise.all([
      this.obligations.find({ where: { termId: In(termIds) } }),
      this.countRecords(terms),
    ]);
    for (const term of terms) {
      const termCounts = counts.get(term.id) ?? zeroCounts();
      const items: ObligationView[] = obligations
        .filter((o) => o.termId === term.id)
        .sort((a, b) => OBLIGATION_KINDS.indexOf(a.kind) - OBLIGATION_KINDS.indexOf(b.kind))
        .map((o) => {
          const p = obligationProgress({ kind: o.kind, target: o.target, done: termCounts[o.kind], source: this.counters.has(o.kind) ? 'recorded' : OBLIGATION_SOURCES[o.kind] }, term, today);
          return { id: o.id, termId: o.termId, label: OBLIGATION_LABELS[o.kind], note: o.note, ...p };
        });
      out.set(term.id, {
        id: term.id,
        label: term.label,
        startDate: term.startDate,
        endDate: term.endDate,
        current: term.startDate <= today && today <= term.endDate,
        obligations: items,
      });
    }
    return out;
  }

  /** Records counted per term: on-site visits dated inside the term, plus the registered counters' records. */
  private async countRecords(terms: PartnershipTerm[]): Promise<Map<string, Counts>> {
    const out = new Map<string, Counts>(terms.map((t) => [t.id, zeroCounts()]));
    const rows = await this.visits
      .createQueryBuilder('v')
      .innerJoin(PartnershipTerm, 't', 't.partnershipId = v.partnershipId AND v.visitDate >= t.startDate AND v.visitDate <= t.endDate')
      .select('t.id', 'termId')
      .addSelect('COUNT(v.id)', 'visits')
      .where('t.id IN (:...termIds)', { termIds: terms.map((t) => t.id) })
      .groupBy('t.id')
      .getRawMany<{ termId: string; visits: string | number }>();
    for (const row of rows) out.get(row.termId)!.onsite_visit = Number(row.visits);
    for (const [kind, perTerm] of await this.counters.count(terms)) {
      for (const [termId, n] of perTerm) if (out.has(termId)) out.get(termId)![kind] = n;
    }
    return out;
  }
}
