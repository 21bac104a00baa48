import { DomainException } from '@app/platform';

export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 10;
export const POLL_QUESTION_MAX = 200;
export const POLL_OPTION_MAX = 100;

/** Trims the question and options and checks them: 2..10 distinct, non-empty options. */
export function normalisePoll(question: string, options: readonly string[]): { question: string; options: string[] } {
  const q = question.trim();
  const opts = options.map((o) => o.trim());
  if (q === '' || q.length > POLL_QUESTION_MAX) throw new DomainException('LIVE_POLL_INVALID', undefined, { question: `1..${POLL_QUESTION_MAX} characters` });
  if (opts.length < POLL_MIN_OPTIONS || opts.length > POLL_MAX_OPTIONS) {
    throw new DomainException('LIVE_POLL_INVALID', undefined, { options: `${POLL_MIN_OPTIONS}..${POLL_MAX_OPTIONS} options` });
  }
  if (opts.some((o) => o === '' || o.length > POLL_OPTION_MAX)) throw new DomainException('LIVE_POLL_INVALID', undefined, { options: `each 1..${POLL_OPTION_MAX} characters` });
  if (new Set(opts).size !== opts.length) throw new DomainException('LIVE_POLL_INVALID', undefined, { options: 'options must differ' });
  return { question: q, options: opts };
}

/**
 * The key of the unique index (pollId, userId, choiceKey) that enforces "one vote per person": a single-choice poll
 * uses one key for every option, so a second vote collides whatever the option; a multiple-choice poll uses the
 * option index, so a person may pick several options but each only once.
 */
export function choiceKey(multiple: boolean, optionIndex: number): number {
  return multiple ? optionIndex : -1;
}

export interface PollTallies {
  /** Votes per option, in option order. */
  tallies: number[];
  /** Votes cast (a multiple-choice voter counts once per option picked). */
  totalVotes: number;
}

/**
 * Votes per option from grouped counts (SELECT optionIndex, COUNT(*) ... GROUP BY optionIndex): options nobody
 * picked show 0, and a count for an index outside the options (cannot happen through the service) is ignored.
 */
export function tallyCounts(optionCount: number, perOption: readonly { optionIndex: number; count: number }[]): PollTallies {
  const tallies = new Array<number>(optionCount).fill(0);
  let totalVotes = 0;
  for (const r of perOption) {
    if (!Number.isInteger(r.optionIndex) || r.optionIndex < 0 || r.optionIndex >= optionCount) continue;
    tallies[r.optionIndex] += r.count;
    totalVotes += r.count;
  }
  return { tallies, totalVotes };
}
