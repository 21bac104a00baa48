import { ObligationCounters, TermSpanRef } from './obligation-counters';

const terms: TermSpanRef[] = [
  { id: 't1', partnershipId: 'p1', startDate: '2026-02-01', endDate: '2026-08-31' },
  { id: 't2', partnershipId: 'p2', startDate: '2026-02-01', endDate: '2026-08-31' },
];

describe('ObligationCounters', () => {
  it('reports a kind as counted only once a context registered a counter (visits always are)', () => {
    const counters = new ObligationCounters();
    expect(counters.has('onsite_visit')).toBe(true);
    expect(counters.has('resource_push')).toBe(false);
    counters.register('resource_push', async () => new Map());
    expect(counters.has('resource_push')).toBe(true);
    expect(counters.has('joint_research_session')).toBe(false);
  });

  it('refuses a second counter for a kind, and any for visits (partnerships count those themselves)', () => {
    const counters = new ObligationCounters();
    counters.register('resource_push', async () => new Map());
    expect(() => counters.register('resource_push', async () => new Map())).toThrow(/already registered/);
    expect(() => counters.register('onsite_visit', async () => new Map())).toThrow(/already registered/);
  });

  it('collects every counter’s per-term counts for the terms asked', async () => {
    const counters = new ObligationCounters();
    const seen: string[][] = [];
    counters.register('resource_push', async (ts) => {
      seen.push(ts.map((t) => t.id));
      return new Map([['t1', 5]]);
    });
    counters.register('joint_research_session', async () => new Map([['t2', 2]]));
    const counts = await counters.count(terms);
    expect(seen).toEqual([['t1', 't2']]);
    expect(counts.get('resource_push')).toEqual(new Map([['t1', 5]]));
    expect(counts.get('joint_research_session')).toEqual(new Map([['t2', 2]]));
    expect(await new ObligationCounters().count(terms)).toEqual(new Map());
  });
});
