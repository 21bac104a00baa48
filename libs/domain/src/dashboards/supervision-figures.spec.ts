import { breakdownOf, figuresOf, rectificationFigures, scopeName } from './supervision-figures';
import { citySnapshot, COUNTY_A, COUNTY_B, SCHOOL_A1, SCHOOL_A2, SCHOOL_B1 } from './testing/snapshot.fixture';

describe('figuresOf', () => {
  it('counts measures by status, overdue, awaiting review and the share done on time', () => {
    expect(figuresOf(citySnapshot()).measures).toEqual({
      plans: 2,
      measures: 5,
      byStatus: { not_started: 1, in_progress: 1, done: 2, blocked: 1 },
      overdue: 2,
      awaitingReview: 1,
      done: 2,
      doneOnTime: 1,
      doneLate: 1,
      onTimeShare: 0.5,
    });
  });

  it('counts indicators by status and gives each its on/off/no-data counts (own: one of them; roll-up: its members)', () => {
    const { indicators } = figuresOf(citySnapshot());
    expect(indicators.year).toBe(2025);
    expect(indicators.summary).toEqual({ onTarget: 1, offTarget: 1, noData: 1 });
    expect(indicators.items.map((i) => [i.key, i.basis, i.onTarget, i.offTarget, i.noData])).toEqual([
      ['gross_enrolment_rate', 'own', 1, 0, 0],
      ['largest_class_size', 'rollup', 1, 2, 15],
      ['security_platform', 'rollup', 0, 0, 7],
    ]);
    // the target keeps its unit; a roll-up's value is a share
    expect(indicators.items[1]).toMatchObject({ unit: '人', valueUnit: '%', target: 55, value: 33.3 });
  });

  it('counts rectifications by status, not closed and overdue', () => {
    expect(figuresOf(citySnapshot()).rectifications).toEqual({ total: 4, open: 2, submitted: 1, closed: 1, notClosed: 3, overdue: 1 });
    expect(rectificationFigures([])).toEqual({ total: 0, open: 0, submitted: 0, closed: 0, notClosed: 0, overdue: 0 });
  });

  it('counts partnerships by status and health', () => {
    expect(figuresOf(citySnapshot()).partnerships).toEqual({
      total: 2,
      byStatus: { proposed: 0, active: 2, suspended: 0, concluded: 0 },
      byHealth: { on_track: 1, at_risk: 0, behind: 1, no_data: 0, inactive: 0 },
    });
  });

  it('gives a null on-time share while nothing is done', () => {
    const s = citySnapshot();
    s.measures = s.measures.filter((m) => m.status !== 'done');
    expect(figuresOf(s).measures).toMatchObject({ done: 0, doneOnTime: 0, onTimeShare: null });
  });
});

describe('breakdownOf', () => {
  it('rolls the same rows up per county for the city, in the given (name) order, children without rows included', () => {
    const s = citySnapshot();
    const rows = breakdownOf(s);
    expect(rows.map((r) => r.organization.name)).toEqual([COUNTY_A.name, COUNTY_B.name]);
    const [a, b] = rows;
    expect(a.measures).toMatchObject({ plans: 1, measures: 3, overdue: 1, done: 1, doneOnTime: 1 });
    expect(b.measures).toMatchObject({ plans: 1, measures: 2, overdue: 1, done: 1, doneOnTime: 0, onTimeShare: 0 });
    expect(a.rectifications).toMatchObject({ total: 3, notClosed: 3, overdue: 1 });
    expect(b.rectifications).toMatchObject({ total: 1, closed: 1 });
    expect(a.partnerships.byHealth.on_track).toBe(1);
    expect(b.partnerships.byHealth.behind).toBe(1);
    expect(a.indicators).toEqual({ onTarget: 1, offTarget: 2, noData: 11 });
    // the parts add up to the whole
    const whole = figuresOf(s);
    expect(a.measures.measures + b.measures.measures).toBe(whole.measures.measures);
    expect(a.rectifications.total + b.rectifications.total).toBe(whole.rectifications.total);
  });

  it('rolls up per school for a county; an order addressed to the county itself is under no school', () => {
    const s = citySnapshot();
    s.scope = { level: 'county', county: COUNTY_A, school: null };
    s.plans = s.plans.filter((p) => p.countyId === COUNTY_A.id);
    s.measures = s.measures.filter((m) => m.countyId === COUNTY_A.id);
    s.rectifications = s.rectifications.filter((r) => r.countyId === COUNTY_A.id);
    s.children = [
      { id: SCHOOL_A1.id, name: SCHOOL_A1.name, indicators: { onTarget: 0, offTarget: 1, noData: 4 } },
      { id: SCHOOL_A2.id, name: SCHOOL_A2.name, indicators: { onTarget: 0, offTarget: 0, noData: 5 } },
    ];
    const [a1, a2] = breakdownOf(s);
    expect(a1.organization.id).toBe(SCHOOL_A1.id);
    expect(a1.measures.measures).toBe(3);
    expect(a1.rectifications.total).toBe(2);
    expect(a2.measures).toMatchObject({ plans: 0, measures: 0, onTimeShare: null });
    expect(a2.rectifications.total).toBe(0);
    expect(a2.partnerships.total).toBe(0);
    expect(figuresOf(s).rectifications.total).toBe(3);
  });

  it('has no rows for a school', () => {
    const s = citySnapshot();
    s.scope = { level: 'school', county: COUNTY_B, school: { id: SCHOOL_B1.id, name: SCHOOL_B1.name } };
    s.children = [];
    expect(breakdownOf(s)).toEqual([]);
  });
});

describe('scopeName', () => {
  it('names the city, a county or a school', () => {
    expect(scopeName({ level: 'city', county: null, school: null })).toBe('广元市');
    expect(scopeName({ level: 'county', county: COUNTY_A, school: null })).toBe('剑阁县');
    expect(scopeName({ level: 'school', county: COUNTY_A, school: { id: SCHOOL_A1.id, name: SCHOOL_A1.name } })).toBe('剑州中学');
  });
});
