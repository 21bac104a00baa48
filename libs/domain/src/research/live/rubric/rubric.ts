import { DomainException } from '@app/platform';

/**
 * The default lesson-evaluation rubric (听课评课). Each criterion is scored 1..10 (integers) by every observer;
 * the weights add up to 100, so the overall score is sum(weight x mean / 10) on a 0..100 scale.
 */
export const DEFAULT_RUBRIC = [
  { key: 'objectives', label: '教学目标', weight: 15 },
  { key: 'content', label: '教学内容', weight: 20 },
  { key: 'methods', label: '教学方法与手段', weight: 20 },
  { key: 'interaction', label: '课堂互动', weight: 15 },
  { key: 'effect', label: '教学效果', weight: 20 },
  { key: 'literacy', label: '教师素养', weight: 10 },
] as const;
export type RubricKey = (typeof DEFAULT_RUBRIC)[number]['key'];
export const RUBRIC_MIN_SCORE = 1;
export const RUBRIC_MAX_SCORE = 10;
export const RUBRIC_COMMENT_MAX = 500;

export type Scorecard = Record<RubricKey, number>;

/** Checks a scorecard: every criterion present, an integer 1..10, nothing else. */
export function validateScorecard(input: unknown): Scorecard {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainException('LIVE_RUBRIC_SCORES_INVALID', undefined, { scores: 'an object of criterion -> score' });
  }
  const scores = input as Record<string, unknown>;
  const known = new Set<string>(DEFAULT_RUBRIC.map((c) => c.key));
  const unknown = Object.keys(scores).filter((k) => !known.has(k));
  if (unknown.length) throw new DomainException('LIVE_RUBRIC_SCORES_INVALID', undefined, { unknownCriteria: unknown });
  const out = {} as Scorecard;
  for (const c of DEFAULT_RUBRIC) {
    const v = scores[c.key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < RUBRIC_MIN_SCORE || v > RUBRIC_MAX_SCORE) {
      throw new DomainException('LIVE_RUBRIC_SCORES_INVALID', undefined, { [c.key]: `an integer ${RUBRIC_MIN_SCORE}..${RUBRIC_MAX_SCORE}` });
    }
    out[c.key] = v;
  }
  return out;
}

export interface RubricCriterionAggregate {
  key: RubricKey;
  label: string;
  weight: number;
  /** Mean score 1..10, two decimals; null before anyone scored. */
  mean: number | null;
  count: number;
}

export interface RubricAggregate {
  criteria: RubricCriterionAggregate[];
  /** Weighted overall 0..100, one decimal; null before anyone scored. */
  overall: number | null;
  /** Scorecards counted. */
  scorecards: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Per-criterion mean and count over the scorecards, and the weighted overall. */
export function aggregateRubric(cards: readonly Partial<Record<string, number>>[]): RubricAggregate {
  const criteria = DEFAULT_RUBRIC.map((c) => {
    const values = cards.map((card) => card[c.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const sum = values.reduce((a, b) => a + b, 0);
    return { key: c.key, label: c.label, weight: c.weight, mean: values.length ? round(sum / values.length, 2) : null, count: values.length };
  });
  // Computed from unrounded means so the overall does not drift by rounding twice.
  let overall: number | null = null;
  if (cards.length) {
    let weighted = 0;
    let weights = 0;
    for (const c of DEFAULT_RUBRIC) {
      const values = cards.map((card) => card[c.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (!values.length) continue;
      weighted += (c.weight * (values.reduce((a, b) => a + b, 0) / values.length)) / RUBRIC_MAX_SCORE;
      weights += c.weight;
    }
    overall = weights ? round((weighted * 100) / weights, 1) : null;
  }
  return { criteria, overall, scorecards: cards.length };
}
