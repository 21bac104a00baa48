import { DomainException } from '@app/platform';
import { choiceKey, normalisePoll, tallyCounts } from './poll-rules';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainException).code;
  }
  return 'no error';
};

describe('normalisePoll', () => {
  it('trims the question and options', () => {
    expect(normalisePoll('  本节课的重点是否突出？ ', [' 是 ', '否'])).toEqual({ question: '本节课的重点是否突出？', options: ['是', '否'] });
  });

  it.each([
    ['one option', '问题', ['只有一个']],
    ['eleven options', '问题', Array.from({ length: 11 }, (_, i) => `选项${i}`)],
    ['an empty option', '问题', ['a', '  ']],
    ['duplicate options after trimming', '问题', ['同意', ' 同意']],
    ['an empty question', '   ', ['a', 'b']],
    ['a too long option', '问题', ['a', 'x'.repeat(101)]],
  ])('refuses %s', (_, q, opts) => {
    expect(code(() => normalisePoll(q as string, opts as string[]))).toBe('LIVE_POLL_INVALID');
  });

  it('accepts exactly 2 and exactly 10 options', () => {
    expect(normalisePoll('q', ['a', 'b']).options).toHaveLength(2);
    expect(normalisePoll('q', Array.from({ length: 10 }, (_, i) => `o${i}`)).options).toHaveLength(10);
  });
});

describe('choiceKey', () => {
  it('is the same for every option of a single-choice poll (so the unique index allows one vote)', () => {
    expect(choiceKey(false, 0)).toBe(choiceKey(false, 3));
  });
  it('differs per option of a multiple-choice poll (one vote per option)', () => {
    expect(choiceKey(true, 0)).not.toBe(choiceKey(true, 1));
  });
});

describe('tallyCounts', () => {
  it('fills options nobody picked with 0 and sums the votes', () => {
    expect(tallyCounts(4, [{ optionIndex: 2, count: 3 }, { optionIndex: 0, count: 1 }])).toEqual({ tallies: [1, 0, 3, 0], totalVotes: 4 });
  });
  it('ignores counts for indexes outside the options', () => {
    expect(tallyCounts(2, [{ optionIndex: 5, count: 9 }, { optionIndex: -1, count: 1 }, { optionIndex: 1, count: 2 }])).toEqual({ tallies: [0, 2], totalVotes: 2 });
  });
  it('gives all zeros without votes', () => {
    expect(tallyCounts(3, [])).toEqual({ tallies: [0, 0, 0], totalVotes: 0 });
  });
});
