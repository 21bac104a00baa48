import { parseExpression } from 'cron-parser';
import { JOB_NAME_PATTERN, JobDefinition } from './job-definition';
import { BackoffOptions, EnqueueOptions, ScheduleOptions } from './job-queue.port';

/** Rules shared by both drivers, so the memory driver behaves like bull and both reject the same input. */

export const MAX_ATTEMPTS = 100;
export const MAX_LIST_LIMIT = 1000;
export const MIN_EVERY_MS = 10;
const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

export interface NormalizedJobOptions {
  attempts: number;
  backoff?: BackoffOptions;
  delayMs: number;
  jobId?: string;
}

export type RepeatTiming = { everyMs: number } | { cron: string; tz?: string };

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function checkDefinition(job: JobDefinition<unknown>, where: string): void {
  if (!job || typeof job.name !== 'string' || !JOB_NAME_PATTERN.test(job.name)) {
    fail(where, 'the first argument must be a definition created by defineJob()');
  }
}

function checkRetry(where: string, attempts: unknown, backoff: BackoffOptions | undefined): void {
  if (attempts !== undefined && (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > MAX_ATTEMPTS)) {
    fail(where, `attempts must be an integer from 1 to ${MAX_ATTEMPTS}`);
  }
  if (backoff !== undefined) {
    if (backoff.type !== 'exponential' && backoff.type !== 'fixed') fail(where, "backoff.type must be 'exponential' or 'fixed'");
    if (!Number.isInteger(backoff.delayMs) || backoff.delayMs < 0) fail(where, 'backoff.delayMs must be an integer >= 0');
  }
}

export function normalizeEnqueueOptions(job: JobDefinition<unknown>, opts: EnqueueOptions = {}): NormalizedJobOptions {
  const where = `enqueue(${job?.name})`;
  checkDefinition(job, where);
  checkRetry(where, opts.attempts, opts.backoff);
  if (opts.delayMs !== undefined && (!Number.isInteger(opts.delayMs) || opts.delayMs < 0)) fail(where, 'delayMs must be an integer >= 0');
  if (opts.jobId !== undefined) {
    if (typeof opts.jobId !== 'string' || !JOB_ID_PATTERN.test(opts.jobId)) {
      fail(where, "jobId must be 1-200 letters, digits or '._:@-' starting with a letter or digit");
    }
    // Generated ids are counters ("17"); a numeric custom id could silently match an unrelated job.
    if (/^\d+$/.test(opts.jobId)) fail(where, 'jobId must not be only digits');
  }
  return {
    attempts: opts.attempts ?? 1,
    backoff: opts.backoff && { type: opts.backoff.type, delayMs: opts.backoff.delayMs },
    delayMs: opts.delayMs ?? 0,
    jobId: opts.jobId,
  };
}

export function normalizeScheduleOptions(
  job: JobDefinition<unknown>,
  opts: ScheduleOptions,
): { key: string; timing: RepeatTiming; attempts: number; backoff?: BackoffOptions } {
  const where = `schedule(${job?.name})`;
  checkDefinition(job, where);
  if (!opts || typeof opts.key !== 'string' || !JOB_NAME_PATTERN.test(opts.key)) {
    fail(where, "key must be 1-100 letters, digits, '.', '_' or '-' (no ':')");
  }
  checkRetry(where, opts.attempts, opts.backoff);
  const hasEvery = opts.everyMs !== undefined;
  const hasCron = opts.cron !== undefined;
  if (hasEvery === hasCron) fail(where, 'give exactly one of everyMs and cron');
  let timing: RepeatTiming;
  if (hasEvery) {
    if (!Number.isInteger(opts.everyMs) || (opts.everyMs as number) < MIN_EVERY_MS) fail(where, `everyMs must be an integer >= ${MIN_EVERY_MS}`);
    if (opts.tz !== undefined) fail(where, 'tz applies to cron schedules only');
    timing = { everyMs: opts.everyMs as number };
  } else {
    if (typeof opts.cron !== 'string' || !opts.cron.trim()) fail(where, 'cron must be a cron pattern');
    if (opts.tz !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: opts.tz });
      } catch {
        fail(where, `unknown time zone ${JSON.stringify(opts.tz)}`);
      }
    }
    timing = { cron: opts.cron.trim(), ...(opts.tz ? { tz: opts.tz } : {}) };
    try {
      parseExpression(timing.cron, { tz: timing.tz }).next();
    } catch (e) {
      fail(where, `invalid cron pattern ${JSON.stringify(opts.cron)} (${(e as Error).message})`);
    }
  }
  return {
    key: opts.key,
    timing,
    attempts: opts.attempts ?? 1,
    backoff: opts.backoff && { type: opts.backoff.type, delayMs: opts.backoff.delayMs },
  };
}

/** The wait after the `attemptsMade`-th failure; bull's built-in strategies (lib/backoffs.js). */
export function backoffDelay(backoff: BackoffOptions | undefined, attemptsMade: number): number {
  if (!backoff) return 0;
  return backoff.type === 'fixed' ? backoff.delayMs : Math.round((Math.pow(2, attemptsMade) - 1) * backoff.delayMs);
}

/** When a repeatable job runs next after `millis`; undefined when a cron pattern has no further date. bull's rule. */
export function nextRepeatMillis(millis: number, timing: RepeatTiming): number | undefined {
  if ('everyMs' in timing) return Math.floor(millis / timing.everyMs) * timing.everyMs + timing.everyMs;
  try {
    return parseExpression(timing.cron, { currentDate: new Date(millis), tz: timing.tz }).next().getTime();
  } catch {
    return undefined;
  }
}

/** Job data as bull stores it: a JSON copy (undefined becomes {}), so handlers see the same thing on both drivers. */
export function toJobData<T>(data: T): T {
  if (data === undefined) return {} as T;
  const json = JSON.stringify(data);
  if (json === undefined) throw new Error('job data must be JSON-serialisable');
  return JSON.parse(json) as T;
}

export function clampLimit(limit: number | undefined, fallback = 100): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}
