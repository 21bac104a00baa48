import { defineJob } from './job-definition';
import { backoffDelay, clampLimit, nextRepeatMillis, normalizeEnqueueOptions, normalizeScheduleOptions, toJobData } from './job-options';

const job = defineJob<{ n: number }>('options.spec');

describe('job options shared by both drivers', () => {
  it('computes backoff with bull’s formulas', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ type: 'exponential', delayMs: 100 }, n))).toEqual([100, 300, 700, 1500]);
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'fixed', delayMs: 250 }, n))).toEqual([250, 250, 250]);
    expect(backoffDelay(undefined, 3)).toBe(0);
  });

  it('aligns "every" schedules to multiples of the period and follows cron in a time zone', () => {
    expect(nextRepeatMillis(1_000_050, { everyMs: 100 })).toBe(1_000_100);
    expect(nextRepeatMillis(1_000_100, { everyMs: 100 })).toBe(1_000_200);
    // 08:00 every day in Shanghai is 00:00 UTC.
    const from = Date.UTC(2026, 2, 1, 1, 0, 0);
    expect(new Date(nextRepeatMillis(from, { cron: '0 8 * * *', tz: 'Asia/Shanghai' })!).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('normalises enqueue options and rejects bad ones with the job name in the message', () => {
    expect(normalizeEnqueueOptions(job)).toEqual({ attempts: 1, backoff: undefined, delayMs: 0, jobId: undefined });
    expect(normalizeEnqueueOptions(job, { attempts: 3, backoff: { type: 'fixed', delayMs: 10 }, jobId: 'a:b-1' })).toMatchObject({
      attempts: 3,
      jobId: 'a:b-1',
    });
    expect(() => normalizeEnqueueOptions(job, { attempts: 101 })).toThrow('enqueue(options.spec): attempts must be an integer from 1 to 100');
    expect(() => normalizeEnqueueOptions(job, { attempts: 1.5 })).toThrow(/attempts/);
    expect(() => normalizeEnqueueOptions(job, { backoff: { type: 'linear' as 'fixed', delayMs: 1 } })).toThrow(/backoff.type/);
    expect(() => normalizeEnqueueOptions(job, { jobId: '42' })).toThrow(/only digits/);
    expect(() => normalizeEnqueueOptions(job, { jobId: 'has space' })).toThrow(/jobId/);
    expect(() => normalizeEnqueueOptions(undefined as never, {})).toThrow(/defineJob/);
  });

  it('validates schedules: one timing, a valid key, cron pattern and zone', () => {
    expect(normalizeScheduleOptions(job, { key: 'daily', cron: ' 0 8 * * * ', tz: 'Asia/Shanghai' })).toMatchObject({
      key: 'daily',
      timing: { cron: '0 8 * * *', tz: 'Asia/Shanghai' },
    });
    expect(() => normalizeScheduleOptions(job, { key: 'a:b', everyMs: 1000 })).toThrow(/key/);
    expect(() => normalizeScheduleOptions(job, { key: 'k' })).toThrow(/exactly one/);
    expect(() => normalizeScheduleOptions(job, { key: 'k', everyMs: 5 })).toThrow(/everyMs must be an integer >= 10/);
    expect(() => normalizeScheduleOptions(job, { key: 'k', everyMs: 1000, tz: 'Asia/Shanghai' })).toThrow(/tz applies to cron/);
    expect(() => normalizeScheduleOptions(job, { key: 'k', cron: '61 * * * *' })).toThrow(/invalid cron pattern/);
  });

  it('hands data over as bull stores it (a JSON copy)', () => {
    const source = { when: new Date('2026-01-01T00:00:00Z'), list: [1, 2], skip: undefined };
    expect(toJobData(source)).toEqual({ when: '2026-01-01T00:00:00.000Z', list: [1, 2] });
    expect(toJobData(undefined)).toEqual({});
    expect(toJobData(null)).toBeNull();
    expect(() => toJobData(() => 1)).toThrow(/JSON-serialisable/);
  });

  it('bounds list limits', () => {
    expect(clampLimit(undefined)).toBe(100);
    expect(clampLimit(0)).toBe(1);
    expect(clampLimit(5000)).toBe(1000);
  });
});
