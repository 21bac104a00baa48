import type { JobDefinition } from './job-definition';

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';
export const JOB_STATES: readonly JobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export interface BackoffOptions {
  /** exponential: after the n-th failed attempt wait (2^n - 1) * delayMs (d, 3d, 7d, ...), bull's formula; fixed: always delayMs. */
  type: 'exponential' | 'fixed';
  delayMs: number;
}

export interface EnqueueOptions {
  /** How many times the handler may run in total (default 1, at most 100). Handlers must be safe to re-run. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Do not run before this many milliseconds from now. */
  delayMs?: number;
  /**
   * Makes enqueue idempotent: while a job with this id exists (in any state, completed ones until they are
   * pruned), enqueue returns that job and adds nothing. Letters, digits and `._:@-`; not all digits, since
   * generated ids are numbers.
   */
  jobId?: string;
}

export interface ScheduleOptions {
  /** Run every N milliseconds, aligned to multiples of N since the epoch (bull's rule). */
  everyMs?: number;
  /** A cron pattern (5 fields, or 6 with seconds first). Exactly one of everyMs and cron. */
  cron?: string;
  /** IANA time zone for cron, e.g. Asia/Shanghai (default: the process time zone). */
  tz?: string;
  /** Names this schedule of this job; scheduling the same job and key again replaces it (safe on every start). */
  key: string;
  attempts?: number;
  backoff?: BackoffOptions;
}

export interface JobInfo<T = unknown> {
  id: string;
  name: string;
  data: T;
  state: JobState;
  /** Attempts that have finished, successful or not; the running one is not counted. */
  attemptsMade: number;
  maxAttempts: number;
  /** Message of the last failed attempt, if any. */
  failedReason?: string;
  createdAt: Date;
  finishedAt?: Date;
  /** For a delayed job (first delay or backoff before a retry): when it becomes due. */
  runAt?: Date;
}

export interface ScheduledJobInfo {
  name: string;
  key: string;
  everyMs?: number;
  cron?: string;
  tz?: string;
  /** When the next run is due. */
  nextRunAt?: Date;
}

export type JobCounts = Record<JobState, number>;

/** What a handler receives besides the data. `attempt` starts at 1. */
export interface JobContext {
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

/**
 * The job queue port, used as the injection token. The driver (memory | bull) is chosen from AppConfig by
 * QueueModule.forRootAsync(). Every method behaves the same on both drivers; test/e2e/queue-contract.e2e-spec.ts
 * is the contract.
 *
 * Retention: completed jobs are kept up to a bound (default the last 1000), failed jobs are all kept so they
 * can be inspected and retried.
 */
export abstract class JobQueue {
  /**
   * Adds a job and resolves as soon as it is stored; the handler runs later (never inside this call).
   * Data must be JSON-serialisable: handlers receive a JSON copy (a Date arrives as an ISO string).
   */
  abstract enqueue<T>(job: JobDefinition<T>, data: NoInfer<T>, opts?: EnqueueOptions): Promise<JobInfo<T>>;

  /**
   * Creates or replaces the repeatable schedule (job, key). The next run exists as a delayed job; the one
   * after it is created when that run starts, so a stopped worker does not pile up runs.
   * To stop a schedule use unschedule(), not remove() of its pending run.
   */
  abstract schedule<T>(job: JobDefinition<T>, data: NoInfer<T>, opts: ScheduleOptions): Promise<ScheduledJobInfo>;

  /** Stops the schedule and drops its pending run; a run already started finishes. False if there was none. */
  abstract unschedule(job: JobDefinition<unknown>, key: string): Promise<boolean>;

  /** All schedules, soonest first. */
  abstract listScheduled(): Promise<ScheduledJobInfo[]>;

  abstract getJob(id: string): Promise<JobInfo | null>;

  /** waiting and delayed: next to run first; active: oldest first; completed and failed: latest first. limit 1..1000 (default 100). */
  abstract listJobs(state: JobState, limit?: number): Promise<JobInfo[]>;

  /**
   * Runs a failed job once more (attempt numbers continue). Throws DomainException JOB_NOT_FOUND when the
   * job does not exist, CONFLICT when it is not failed.
   */
  abstract retry(id: string): Promise<JobInfo>;

  /**
   * Deletes a waiting, delayed, completed or failed job, e.g. a reminder that is no longer wanted.
   * Resolves false when there is no such job; throws DomainException CONFLICT while it is running.
   */
  abstract remove(id: string): Promise<boolean>;

  abstract counts(): Promise<JobCounts>;

  /** Resolves when the backend answers; throws DomainException SERVICE_UNAVAILABLE otherwise (for /health). */
  abstract ping(): Promise<void>;

  /**
   * Graceful shutdown: no new jobs are started or accepted, running handlers get up to the shutdown timeout
   * (QueueModuleOptions.shutdownTimeoutMs) to finish, then timers and connections are released. Idempotent;
   * called by the module on application shutdown.
   */
  abstract close(): Promise<void>;
}
