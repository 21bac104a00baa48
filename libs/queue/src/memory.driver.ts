import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, DomainException } from '@app/platform';
import { JobDefinition } from './job-definition';
import {
  backoffDelay,
  clampLimit,
  nextRepeatMillis,
  normalizeEnqueueOptions,
  normalizeScheduleOptions,
  RepeatTiming,
  toJobData,
} from './job-options';
import {
  BackoffOptions,
  EnqueueOptions,
  JOB_STATES,
  JobCounts,
  JobInfo,
  JobQueue,
  JobState,
  ScheduledJobInfo,
  ScheduleOptions,
} from './job-queue.port';
import { JobRunner } from './job-runner';
import { ResolvedQueueOptions } from './queue.constants';
import { setTimer, settlesWithin } from './timers';

interface Schedule {
  name: string;
  key: string;
  timing: RepeatTiming;
  data: unknown;
  attempts: number;
  backoff?: BackoffOptions;
  nextRunAt?: number;
  /** The delayed job that is the next run. */
  pendingJobId?: string;
}

interface StoredJob {
  id: string;
  name: string;
  data: unknown;
  state: JobState;
  attemptsMade: number;
  maxAttempts: number;
  backoff?: BackoffOptions;
  failedReason?: string;
  createdAt: number;
  finishedAt?: number;
  runAt?: number;
  /** Set on the runs of a schedule; the next run is created when this one starts (as bull does). */
  repeat?: { schedule: Schedule; millis: number };
  cancelTimer?: () => void;
}

/**
 * The embedded driver: jobs live in this process's memory and run here, a few at a time, with the same
 * attempts/backoff/delay/jobId/repeat rules as the bull driver. Jobs are lost when the process stops, which is
 * the accepted trade-off of the embedded mode. With RUN_JOBS=false nothing runs (jobs are only stored).
 */
export class MemoryJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly jobs = new Map<string, StoredJob>();
  /** Ids of waiting jobs in run order (a Set keeps insertion order and deletes in O(1)). */
  private readonly waiting = new Set<string>();
  /** Ids of completed jobs in finishing order, to prune the oldest beyond keepCompleted. */
  private readonly completed = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly schedules = new Map<string, Schedule>();
  private lastId = 0;
  private started = false;
  private closed = false;
  private closing?: Promise<void>;
  private pumpHandle?: ReturnType<typeof setImmediate>;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: JobRunner,
    private readonly options: ResolvedQueueOptions,
  ) {
    super();
  }

  /** Handlers start only after every module has initialised (their providers may need a database etc.). */
  onApplicationBootstrap(): void {
    if (!this.config.runJobs) {
      this.logger.warn('QUEUE_DRIVER=memory with RUN_JOBS=false: jobs are stored but never run by this process');
      return;
    }
    this.started = true;
    this.schedulePump();
  }

  /**
   * After onModuleDestroy and after the api has stopped taking requests (GracefulShutdownService runs in an
   * earlier module of this phase), before onApplicationShutdown closes the database that handlers use.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async enqueue<T>(job: JobDefinition<T>, data: NoInfer<T>, opts?: EnqueueOptions): Promise<JobInfo<T>> {
    const o = normalizeEnqueueOptions(job, opts);
    this.assertOpen();
    const existing = o.jobId !== undefined ? this.jobs.get(o.jobId) : undefined;
    if (existing) return this.info(existing) as JobInfo<T>;
    const now = Date.now();
    const stored = this.insert({
      id: o.jobId ?? String(++this.lastId),
      name: job.name,
      data: toJobData(data),
      attempts: o.attempts,
      backoff: o.backoff,
      createdAt: now,
      runAt: o.delayMs > 0 ? now + o.delayMs : undefined,
    });
    return this.info(stored) as JobInfo<T>;
  }

  async schedule<T>(job: JobDefinition<T>, data: NoInfer<T>, opts: ScheduleOptions): Promise<ScheduledJobInfo> {
    const s = normalizeScheduleOptions(job, opts);
    this.assertOpen();
    const mapKey = `${job.name}:${s.key}`;
    const previous = this.schedules.get(mapKey);
    if (previous) this.dropPendingRun(previous);
    const schedule: Schedule = { name: job.name, key: s.key, timing: s.timing, data: toJobData(data), attempts: s.attempts, backoff: s.backoff };
    this.schedules.set(mapKey, schedule);
    this.createNextRun(schedule, Date.now());
    return this.scheduledInfo(schedule);
  }

  async unschedule(job: JobDefinition<unknown>, key: string): Promise<boolean> {
    const mapKey = `${job.name}:${key}`;
    const schedule = this.schedules.get(mapKey);
    if (!schedule) return false;
    this.schedules.delete(mapKey);
    this.dropPendingRun(schedule);
    return true;
  }

  async listScheduled(): Promise<ScheduledJobInfo[]> {
    return [...this.schedules.values()]
      .map((s) => this.scheduledInfo(s))
      .sort((a, b) => (a.nextRunAt?.getTime() ?? Infinity) - (b.nextRunAt?.getTime() ?? Infinity));
  }

  async getJob(id: string): Promise<JobInfo | null> {
    const job = this.jobs.get(id);
    return job ? this.info(job) : null;
  }

  async listJobs(state: JobState, limit?: number): Promise<JobInfo[]> {
    if (!JOB_STATES.includes(state)) throw new Error(`listJobs: unknown state ${JSON.stringify(state)}`);
    const max = clampLimit(limit);
    let list: StoredJob[];
    if (state === 'waiting') {
      list = [...this.waiting].map((id) => this.jobs.get(id)).filter((j): j is StoredJob => j?.state === 'waiting');
    } else {
      list = [...this.jobs.values()].filter((j) => j.state === state);
      if (state === 'delayed') list.sort((a, b) => (a.runAt ?? 0) - (b.runAt ?? 0));
      if (state === 'completed' || state === 'failed') list.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    }
    return list.slice(0, max).map((j) => this.info(j));
  }

  async retry(id: string): Promise<JobInfo> {
    this.assertOpen();
    const job = this.jobs.get(id);
    if (!job) throw new DomainException('JOB_NOT_FOUND', undefined, { jobId: id });
    if (job.state !== 'failed') throw new DomainException('CONFLICT', '只有失败的任务可以重试', { jobId: id, state: job.state });
    job.failedReason = undefined;
    job.finishedAt = undefined;
    this.makeWaiting(job);
    return this.info(job);
  }

  async remove(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job) return false;
    if (job.state === 'active') throw new DomainException('CONFLICT', '任务正在执行，无法删除', { jobId: id, state: job.state });
    this.discard(job);
    return true;
  }

  async counts(): Promise<JobCounts> {
    const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return counts;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new DomainException('SERVICE_UNAVAILABLE', '任务队列已关闭', { driver: 'memory' });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- internals ----

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.pumpHandle) clearImmediate(this.pumpHandle);
    this.pumpHandle = undefined;
    for (const job of this.jobs.values()) this.cancelTimer(job);
    if (!this.running.size) return;
    const finished = await settlesWithin(Promise.allSettled([...this.running.values()]), this.options.shutdownTimeoutMs);
    if (!finished) {
      this.logger.warn(
        `close(): gave up after ${this.options.shutdownTimeoutMs} ms; still running: ${[...this.running.keys()].join(', ')}`,
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainException('SERVICE_UNAVAILABLE', '任务队列正在关闭，请稍后再试', { driver: 'memory' });
  }

  private insert(spec: {
    id: string;
    name: string;
    data: unknown;
    attempts: number;
    backoff?: BackoffOptions;
    createdAt?: number;
    runAt?: number;
    repeat?: StoredJob['repeat'];
  }): StoredJob {
    const job: StoredJob = {
      id: spec.id,
      name: spec.name,
      data: spec.data,
      state: 'waiting',
      attemptsMade: 0,
      maxAttempts: spec.attempts,
      backoff: spec.backoff,
      createdAt: spec.createdAt ?? Date.now(),
      repeat: spec.repeat,
    };
    this.jobs.set(job.id, job);
    if (spec.runAt !== undefined && spec.runAt > Date.now()) this.makeDelayed(job, spec.runAt);
    else this.makeWaiting(job);
    return job;
  }

  private makeDelayed(job: StoredJob, runAt: number): void {
    job.state = 'delayed';
    job.runAt = runAt;
    this.cancelTimer(job);
    // After close() no timer may keep the process alive; the job simply stays delayed.
    if (this.closed) return;
    job.cancelTimer = setTimer(() => {
      job.cancelTimer = undefined;
      if (this.jobs.get(job.id) === job && job.state === 'delayed') this.makeWaiting(job);
    }, runAt);
  }

  private makeWaiting(job: StoredJob): void {
    this.cancelTimer(job);
    job.state = 'waiting';
    job.runAt = undefined;
    this.waiting.add(job.id);
    this.schedulePump();
  }

  private cancelTimer(job: StoredJob): void {
    job.cancelTimer?.();
    job.cancelTimer = undefined;
  }

  /** Handlers never run inside the caller's stack: enqueue() has resolved before any handler starts. */
  private schedulePump(): void {
    if (!this.started || this.closed || this.pumpHandle) return;
    this.pumpHandle = setImmediate(() => {
      this.pumpHandle = undefined;
      this.pump();
    });
  }

  private pump(): void {
    for (const id of this.waiting) {
      if (this.closed || this.running.size >= this.options.concurrency) return;
      this.waiting.delete(id);
      const job = this.jobs.get(id);
      if (job?.state === 'waiting') this.start(job);
    }
  }

  private start(job: StoredJob): void {
    job.state = 'active';
    const repeat = job.repeat;
    if (repeat && this.schedules.get(`${repeat.schedule.name}:${repeat.schedule.key}`) === repeat.schedule) {
      this.createNextRun(repeat.schedule, Math.max(Date.now(), repeat.millis));
    }
    const run = this.runner
      .run({ id: job.id, name: job.name, data: structuredClone(job.data), attempt: job.attemptsMade + 1, maxAttempts: job.maxAttempts })
      .then(
        () => this.succeeded(job),
        (error: Error) => this.failed(job, error),
      )
      .finally(() => {
        this.running.delete(job.id);
        this.schedulePump();
      });
    this.running.set(job.id, run);
  }

  private succeeded(job: StoredJob): void {
    job.attemptsMade += 1;
    job.state = 'completed';
    job.finishedAt = Date.now();
    this.completed.add(job.id);
    while (this.completed.size > this.options.keepCompleted) {
      const oldest = this.completed.values().next().value as string;
      this.completed.delete(oldest);
      if (this.jobs.get(oldest)?.state === 'completed') this.jobs.delete(oldest);
    }
  }

  private failed(job: StoredJob, error: Error): void {
    job.attemptsMade += 1;
    job.failedReason = error.message;
    if (job.attemptsMade < job.maxAttempts) {
      const wait = backoffDelay(job.backoff, job.attemptsMade);
      if (wait > 0) this.makeDelayed(job, Date.now() + wait);
      else this.makeWaiting(job);
      return;
    }
    job.state = 'failed';
    job.finishedAt = Date.now();
  }

  private createNextRun(schedule: Schedule, fromMillis: number): void {
    const next = nextRepeatMillis(fromMillis, schedule.timing);
    schedule.nextRunAt = next;
    if (next === undefined) {
      schedule.pendingJobId = undefined;
      return;
    }
    const id = `repeat:${schedule.name}:${schedule.key}:${next}`;
    schedule.pendingJobId = id;
    if (this.jobs.has(id)) return;
    this.insert({
      id,
      name: schedule.name,
      data: structuredClone(schedule.data),
      attempts: schedule.attempts,
      backoff: schedule.backoff,
      runAt: next,
      repeat: { schedule, millis: next },
    });
  }

  /** Like bull's removeRepeatable: only a run that is still delayed is dropped; a started one finishes. */
  private dropPendingRun(schedule: Schedule): void {
    const pending = schedule.pendingJobId ? this.jobs.get(schedule.pendingJobId) : undefined;
    if (pending && pending.state === 'delayed' && pending.repeat?.schedule === schedule) this.discard(pending);
  }

  private discard(job: StoredJob): void {
    this.cancelTimer(job);
    this.waiting.delete(job.id);
    this.completed.delete(job.id);
    this.jobs.delete(job.id);
  }

  private info(job: StoredJob): JobInfo {
    return {
      id: job.id,
      name: job.name,
      data: structuredClone(job.data),
      state: job.state,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.maxAttempts,
      ...(job.failedReason !== undefined ? { failedReason: job.failedReason } : {}),
      createdAt: new Date(job.createdAt),
      ...(job.finishedAt !== undefined ? { finishedAt: new Date(job.finishedAt) } : {}),
      ...(job.state === 'delayed' && job.runAt !== undefined ? { runAt: new Date(job.runAt) } : {}),
    };
  }

  private scheduledInfo(s: Schedule): ScheduledJobInfo {
    return {
      name: s.name,
      key: s.key,
      ...('everyMs' in s.timing ? { everyMs: s.timing.everyMs } : { cron: s.timing.cron, ...(s.timing.tz ? { tz: s.timing.tz } : {}) }),
      ...(s.nextRunAt !== undefined ? { nextRunAt: new Date(s.nextRunAt) } : {}),
    };
  }
}
