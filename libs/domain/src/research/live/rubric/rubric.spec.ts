import { DomainException } from '@app/platform';
import { aggregateRubric, DEFAULT_RUBRIC, validateScorecard } from './rubric';

const full = (v: number) => Object.fromEntries(DEFAULT_RUBRIC.map((c) => [c.key, v]));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainException).code;
  }
  return 'no error';
};

describe('DEFAULT_RUBRIC', () => {
  it('has the six 听课评课 criteria with weights adding up to 100', () => {
    expect(DEFAULT_RUBRIC.map((c) => c.label)).toEqual(['教学目标', '教学内容', '教学方法与手段', '课堂互动', '教学效果', '教师素养']);
    expect(DEFAULT_RUBRIC.reduce((s, c) => s + c.weight, 0)).toBe(100);
  });
});

describe('validateScorecard', () => {
  it('accepts every criterion scored 1..10', () => {
    expect(validateScorecard(full(7))).toEqual(full(7));
  });
  it.each([
    ['a missing criterion', (() => { const s: Record<string, number> = full(5); delete s.effect; return s; })()],
    ['an unknown criterion', { ...full(5), charisma: 9 }],
    ['a score of 0', { ...full(5), content: 0 }],
    ['a score of 11', { ...full(5), content: 11 }],
    ['a fraction', { ...full(5), content: 7.5 }],
    ['a string score', { ...full(5), content: '8' }],
    ['an array', [1, 2, 3]],
    ['null', null],
  ])('refuses %s', (_, input) => {
    expect(code(() => validateScorecard(input))).toBe('LIVE_RUBRIC_SCORES_INVALID');
  });
});

describe('aggregateRubric', () => {
  it('is empty (null means, overall null) before anyone scored', () => {
    const agg = aggregateRubric([]);
    expect(agg.scorecards).toBe(0);
    expect(agg.overall).toBeNull();
    expect(agg.criteria.every((c) => c.mean === null && c.count === 0)).toBe(true);
  });

  it('gives per-criterion means and counts and the weighted overall on 0..100', () => {
    const a = { ...full(8), objectives: 10 };
    const b = { ...full(6), objectives: 7 };
    const agg = aggregateRubric([a, b]);
    const byKey = Object.fromEntries(agg.criteria.map((c) => [c.key, c]));
    expect(byKey.objectives).toMatchObject({ mean: 8.5, count: 2, weight: 15, label: '教学目标' });
    expect(byKey.content).toMatchObject({ mean: 7, count: 2 });
    // 15 x 8.5/10 + 85 x 7/10 = 12.75 + 59.5 = 72.25 -> 72.3 (one decimal)
    expect(agg.overall).toBe(72.3);
    expect(agg.scorecards).toBe(2);
  });

  it('scores everyone full marks as 100 and everyone 1 as 10', () => {
    expect(aggregateRubric([full(10), full(10)]).overall).toBe(100);
    expect(aggregateRubric([full(1)]).overall).toBe(10);
  });

  it('rounds means to two decimals', () => {
    const agg = aggregateRubric([full(1), full(1), full(2)]);
    expect(agg.criteria[0].mean).toBe(1.33);
  });
});
