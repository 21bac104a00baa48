import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Bull from 'bull';
import { AppConfig, DomainException } from '@app/platform';
import { JobDefinition } from './job-definition';
import { clampLimit, normalizeEnqueueOptions, normalizeScheduleOptions, toJobData } from './job-options';
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
import { settlesWithin, withTimeout } from './timers';

const PING_TIMEOUT_MS = 2000;
const STARTUP_WAIT_MS = 10_000;

/**
 * The production driver: one bull queue (`<QUEUE_PREFIX>:jobs`) on Redis, shared by the api processes that
 * enqueue and the worker processes that run handlers (config.runJobs). Jobs survive restarts; a job whose
 * worker dies is retried by bull's stalled-job check.
 */
export class BullJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly queue: Bull.Queue;
  private closed = false;
  private closing?: Promise<void>;
  private startup?: Promise<void>;
  private abandonStartup = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: JobRunner,
    private readonly options: ResolvedQueueOptions,
  ) {
    super();
    this.queue = new Bull(options.queueName, config.REDIS_URL, {
      prefix: config.QUEUE_PREFIX,
      // bull reads host, port, db and credentials from the URL but not TLS.
      ...(config.REDIS_URL.startsWith('rediss://') ? { redis: { tls: {} } } : {}),
      defaultJobOptions: {
        removeOnComplete: options.keepCompleted === 0 ? true : options.keepCompleted,
        removeOnFail: false,
      },
    });
    // bull re-emits connection errors on the queue; an 'error' event without a listener would crash the process.
    this.queue.on('error', (error: Error | undefined) => {
      if (!this.closed) this.logger.error(`Redis/bull error: ${error?.message ?? String(error)}`);
    });
  }

  /**
   * Handlers start only after every module has initialised (their providers may need a database etc.).
   * Resolves once bull is really consuming, or after a bounded wait when Redis is not reachable yet.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runJobs) return;
    this.startup = this.startProcessing();
    if (!(await settlesWithin(this.startup, STARTUP_WAIT_MS))) {
      this.logger.warn(`Redis not ready after ${STARTUP_WAIT_MS} ms; jobs will run once it is reachable`);
    }
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
    const added = await this.queue.add(job.name, toJobData(data), {
      attempts: o.attempts,
      backoff: toBullBackoff(o.backoff),
      delay: o.delayMs || undefined,
      jobId: o.jobId,
    });
    if (o.jobId !== undefined) {
      // bull's add() with an existing id stores nothing and returns a Job built from *our* arguments; read
      // the stored one so the caller sees the existing job's data and state.
      const stored = await this.getJob(String(added.id));
      if (stored) return stored as JobInfo<T>;
    }
    return this.info(added, o.delayMs > 0 ? 'delayed' : 'waiting', o.delayMs > 0 ? added.timestamp + o.delayMs : undefined) as JobInfo<T>;
  }

  async schedule<T>(job: JobDefinition<T>, data: NoInfer<T>, opts: ScheduleOptions): Promise<ScheduledJobInfo> {
    const s = normalizeScheduleOptions(job, opts);
    this.assertOpen();
    // bull identifies a repeatable job by name, id AND timing, so "same key, new timing" would add a second
    // schedule, and "same timing, new data" would keep the old data. Replace instead: remove, then add.
    await this.removeSchedules(job.name, s.key);
    const repeat: Bull.CronRepeatOptions | Bull.EveryRepeatOptions =
      'everyMs' in s.timing ? { every: s.timing.everyMs } : { cron: s.timing.cron, ...(s.timing.tz ? { tz: s.timing.tz } : {}) };
    await this.queue.add(job.name, toJobData(data), { repeat, jobId: s.key, attempts: s.attempts, backoff: toBullBackoff(s.backoff) });
    const stored = (await this.listScheduled()).find((i) => i.name === job.name && i.key === s.key);
    return stored ?? { name: job.name, key: s.key, ...s.timing };
  }

  async unschedule(job: JobDefinition<unknown>, key: string): Promise<boolean> {
    // Known bull 4 race: a run starting in the same millisecond can re-add the schedule it read a moment
    // before (nextRepeatableJob checks, then writes). The window is one Redis round trip.
    return (await this.removeSchedules(job.name, key)) > 0;
  }

  async listScheduled(): Promise<ScheduledJobInfo[]> {
    const repeatables = await this.queue.getRepeatableJobs(0, -1, true);
    return repeatables.map((r) => ({
      name: r.name,
      key: r.id ?? '',
      ...(r.cron ? { cron: r.cron, ...(r.tz ? { tz: r.tz } : {}) } : { everyMs: Number(r.every) }),
      nextRunAt: new Date(Number(r.next)),
    }));
  }

  async getJob(id: string): Promise<JobInfo | null> {
    const found = await this.readJob(id);
    if (!found) return null;
    const { job, state } = found;
    const runAt = state === 'delayed' ? (await this.delayedRunAts([String(job.id)]))[0] : undefined;
    return this.info(job, state, runAt);
  }

  async listJobs(state: JobState, limit?: number): Promise<JobInfo[]> {
    if (!JOB_STATES.includes(state)) throw new Error(`listJobs: unknown state ${JSON.stringify(state)}`);
    const end = clampLimit(limit) - 1;
    // bull's getters order these as documented on the port: waiting/delayed/active ascending, finished descending.
    const fetch: Record<JobState, () => Promise<Bull.Job[]>> = {
      waiting: () => this.queue.getWaiting(0, end),
      delayed: () => this.queue.getDelayed(0, end),
      active: () => this.queue.getActive(0, end),
      completed: () => this.queue.getCompleted(0, end),
      failed: () => this.queue.getFailed(0, end),
    };
    // getWaiting also reads the paused list, so it may return more than asked; a job removed meanwhile is null.
    const jobs = (await fetch[state]()).filter((j): j is Bull.Job => !!j).slice(0, end + 1);
    const runAts = state === 'delayed' ? await this.delayedRunAts(jobs.map((j) => String(j.id))) : [];
    return jobs.map((j, i) => this.info(j, state, runAts[i]));
  }

  async retry(id: string): Promise<JobInfo> {
    this.assertOpen();
    const job = await this.queue.getJob(id);
    if (!job) throw new DomainException('JOB_NOT_FOUND', undefined, { jobId: id });
    const state = toState(await job.getState());
    if (state !== 'failed') throw new DomainException('CONFLICT', '只有失败的任务可以重试', { jobId: id, state });
    try {
      await job.retry();
    } catch {
      // Another process retried it between our read and the write.
      throw new DomainException('CONFLICT', '只有失败的任务可以重试', { jobId: id });
    }
    const info = await this.getJob(id);
    if (!info) throw new DomainException('JOB_NOT_FOUND', undefined, { jobId: id });
    return info;
  }

  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const activeConflict = () => new DomainException('CONFLICT', '任务正在执行，无法删除', { jobId: id, state: 'active' });
    if ((await job.getState()) === 'active') throw activeConflict();
    try {
      await job.remove();
      return true;
    } catch (error) {
      // bull refuses to remove a locked (running) job; it may have started since we looked.
      if ((await job.getState()) === 'active') throw activeConflict();
      if (!(await this.queue.getJob(id))) return false;
      throw error;
    }
  }

  async counts(): Promise<JobCounts> {
    const c = (await this.queue.getJobCounts()) as Bull.JobCounts & { paused?: number };
    return { waiting: c.waiting + (c.paused ?? 0), delayed: c.delayed, active: c.active, completed: c.completed, failed: c.failed };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new DomainException('SERVICE_UNAVAILABLE', '任务队列已关闭', { driver: 'bull' });
    try {
      // ioredis queues commands while reconnecting, so bound the wait rather than hang the health check.
      await withTimeout(this.queue.client.ping(), PING_TIMEOUT_MS, `Redis did not answer within ${PING_TIMEOUT_MS} ms`);
    } catch (error) {
      throw new DomainException('SERVICE_UNAVAILABLE', '任务队列暂时不可用', { driver: 'bull', reason: (error as Error).message });
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- internals ----

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.startup && !(await settlesWithin(this.startup, this.options.shutdownTimeoutMs))) this.abandonStartup = true;
    // bull's close(): stop fetching, wait for running handlers and their bookkeeping, clear timers, quit Redis.
    const closing = this.queue.close();
    if (await settlesWithin(closing, this.options.shutdownTimeoutMs)) return;
    this.logger.warn(
      `close(): handlers still running after ${this.options.shutdownTimeoutMs} ms; disconnecting (bull retries them as stalled jobs)`,
    );
    for (const client of this.queue.clients) client.disconnect();
  }

  private async startProcessing(): Promise<void> {
    await this.queue.isReady();
    // One processor for all names ('*') rather than one per job: bull adds up the concurrency of each named
    // processor, so this keeps `concurrency` the bound for the whole worker. JobRunner picks the handler.
    this.queue
      .process('*', this.options.concurrency, (job: Bull.Job) =>
        this.runner.run({
          id: String(job.id),
          name: job.name,
          data: job.data,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
        }),
      )
      .catch((error: Error | undefined) => {
        if (!this.closed) this.logger.error(`job processing stopped: ${error?.message ?? 'connection ended'}`, error?.stack);
      });
    // bull 4 starts its worker loops a few Redis round trips after process(); a close() before that creates
    // the blocking connection after the others were quit (the process never exits) and leaves rejected
    // promises behind. So wait until its three connections (client, subscriber, blocking) are ready, then one
    // macrotask for the loops to be scheduled.
    const ready = () => this.queue.clients.length >= 3 && this.queue.clients.every((c) => c.status === 'ready');
    while (!ready() && !this.abandonStartup) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setImmediate(resolve));
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainException('SERVICE_UNAVAILABLE', '任务队列正在关闭，请稍后再试', { driver: 'bull' });
  }

  /**
   * bull reads the job hash and its state in separate round trips; a job that finished in between would show
   * state "completed" with the fields of its running self. Read again in that case.
   */
  private async readJob(id: string): Promise<{ job: Bull.Job; state: JobState } | null> {
    for (let attempt = 1; ; attempt++) {
      const job = await this.queue.getJob(id);
      if (!job) return null;
      const state = toState(await job.getState());
      if (!(state === 'completed' || state === 'failed') || job.finishedOn || attempt >= 3) return { job, state };
    }
  }

  private async removeSchedules(name: string, key: string): Promise<number> {
    const matching = (await this.queue.getRepeatableJobs()).filter((r) => r.name === name && r.id === key);
    for (const r of matching) await this.queue.removeRepeatableByKey(r.key);
    return matching.length;
  }

  /** bull scores its delayed set with `dueAt * 0x1000 + (id & 0xfff)`. */
  private async delayedRunAts(ids: string[]): Promise<(number | undefined)[]> {
    if (!ids.length) return [];
    const key = this.queue.toKey('delayed');
    const multi = this.queue.client.multi();
    for (const id of ids) multi.zscore(key, id);
    const results = (await multi.exec()) ?? [];
    return ids.map((_, i) => {
      const [error, score] = results[i] ?? [];
      return error || score == null ? undefined : Math.floor(Number(score) / 0x1000);
    });
  }

  private info(job: Bull.Job, state: JobState, runAt?: number): JobInfo {
    return {
      id: String(job.id),
      name: job.name,
      data: job.data as unknown,
      state,
      // bull counts failed attempts only; ours counts every finished attempt.
      attemptsMade: job.attemptsMade + (state === 'completed' ? 1 : 0),
      maxAttempts: job.opts.attempts ?? 1,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      createdAt: new Date(job.timestamp),
      ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn) } : {}),
      ...(state === 'delayed' && runAt !== undefined ? { runAt: new Date(runAt) } : {}),
    };
  }
}

function toBullBackoff(backoff: BackoffOptions | undefined): Bull.BackoffOptions | undefined {
  return backoff && { type: backoff.type, delay: backoff.delayMs };
}

/** bull also reports 'paused' (queue paused) and 'stuck' (between lists for a moment); both are waiting to us. */
function toState(state: string): JobState {
  return state === 'completed' || state === 'failed' || state === 'delayed' || state === 'active' ? state : 'waiting';
}
