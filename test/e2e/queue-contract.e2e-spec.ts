import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { AppConfig, DomainException, MetricsService, PlatformModule } from '@app/platform';
import { defineJob, JobContext, JobQueue, OnJob, QueueModule } from '@app/queue';
import { testConfig } from '../utils/test-config';

/**
 * The JobQueue contract, run against whichever driver the environment selects (memory by default,
 * QUEUE_DRIVER=bull REDIS_URL=... for Redis). Every test boots its own application context with its own
 * queue prefix, so tests cannot see each other's jobs.
 */

const echo = defineJob<{ text: string; nested: { n: number; when: string } }>('contract.echo');
const gated = defineJob<{ gate: string }>('contract.gated');
const flaky = defineJob<{ failTimes: number }>('contract.flaky');
const broken = defineJob<{ reason: string }>('contract.broken');
const tick = defineJob<{ series: string }>('contract.tick');

interface Call {
  job: string;
  data: unknown;
  ctx: JobContext;
  at: number;
}

/** Records handler calls and holds "gated" handlers until the test opens their gate. */
@Injectable()
class Recorder {
  readonly calls: Call[] = [];
  readonly finished: string[] = [];
  private readonly gates = new Map<string, { promise: Promise<void>; open: () => void }>();

  record(job: string, data: unknown, ctx: JobContext): void {
    this.calls.push({ job, data, ctx, at: Date.now() });
  }
  of(job: string, predicate: (data: any) => boolean = () => true): Call[] {
    return this.calls.filter((c) => c.job === job && predicate(c.data));
  }
  openAllGates(): void {
    this.gates.forEach((g) => g.open());
  }
  gate(name: string): { promise: Promise<void>; open: () => void } {
    let gate = this.gates.get(name);
    if (!gate) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
      this.gates.set(name, gate);
    }
    return gate;
  }
}

@Injectable()
class ContractHandlers {
  constructor(private readonly recorder: Recorder) {}

  @OnJob(echo)
  async echo(data: { text: string; nested: { n: number; when: string } }, ctx: JobContext): Promise<void> {
    this.recorder.record('echo', data, ctx);
  }

  @OnJob(gated)
  async gated(data: { gate: string }, ctx: JobContext): Promise<void> {
    this.recorder.record('gated', data, ctx);
    await this.recorder.gate(data.gate).promise;
    this.recorder.finished.push(data.gate);
  }

  @OnJob(flaky)
  async flaky(data: { failTimes: number }, ctx: JobContext): Promise<void> {
    this.recorder.record('flaky', data, ctx);
    if (ctx.attempt <= data.failTimes) throw new Error(`planned failure ${ctx.attempt}`);
  }

  @OnJob(broken)
  async broken(data: { reason: string }, ctx: JobContext): Promise<void> {
    this.recorder.record('broken', data, ctx);
    throw new Error(data.reason);
  }

  @OnJob(tick)
  async tick(data: { series: string }, ctx: JobContext): Promise<void> {
    this.recorder.record('tick', data, ctx);
  }
}

const driver = testConfig().QUEUE_DRIVER;

async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits until the recorder holds at least `count` calls of `job` and returns them. */
function callsOf(recorder: Recorder, job: string, count = 1, timeoutMs = 5000): Promise<Call[]> {
  return waitFor(() => {
    const calls = recorder.of(job);
    return calls.length >= count ? calls : null;
  }, `${count} call(s) of ${job}`, timeoutMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Booted {
  moduleRef: TestingModule;
  queue: JobQueue;
  recorder: Recorder;
  config: AppConfig;
}

const booted: Booted[] = [];
const prefixesUsed = new Set<string>();

async function boot(overrides: Record<string, string> = {}, concurrency?: number): Promise<Booted> {
  const config = testConfig(overrides);
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule, QueueModule.forRootAsync({ shutdownTimeoutMs: 3000, concurrency })],
    providers: [Recorder, ContractHandlers],
  })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  moduleRef.useLogger(false); // the failing jobs below are expected; keep the output readable
  await moduleRef.init();
  const app = { moduleRef, queue: moduleRef.get(JobQueue), recorder: moduleRef.get(Recorder), config };
  booted.push(app);
  prefixesUsed.add(config.QUEUE_PREFIX);
  return app;
}

afterEach(async () => {
  for (const { moduleRef, recorder } of booted.splice(0)) {
    recorder.openAllGates(); // never leave a handler hanging
    await moduleRef.close();
  }
});

afterAll(async () => {
  if (driver !== 'bull') return;
  // Each test used its own QUEUE_PREFIX; drop exactly those keys (other suites may share this Redis).
  const redis = new Redis(testConfig().REDIS_URL, { lazyConnect: true });
  await redis.connect();
  for (const prefix of prefixesUsed) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  await redis.quit();
});

describe(`JobQueue contract (driver: ${driver})`, () => {
  it('answers ping and starts empty', async () => {
    const { queue } = await boot();
    await expect(queue.ping()).resolves.toBeUndefined();
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
  });

  it('resolves enqueue before the handler finishes, and passes the data through as JSON', async () => {
    const { queue, recorder } = await boot();
    const job = await queue.enqueue(gated, { gate: 'g1' });
    // The handler is held at its gate, so it cannot have finished: enqueue did not wait for it.
    expect(recorder.finished).toEqual([]);
    expect(job).toMatchObject({ name: 'contract.gated', data: { gate: 'g1' }, attemptsMade: 0, maxAttempts: 1 });
    expect(['waiting', 'active']).toContain(job.state);
    expect(job.createdAt).toBeInstanceOf(Date);

    await waitFor(() => recorder.of('gated').length === 1, 'the gated handler to start');
    expect((await queue.getJob(job.id))?.state).toBe('active');
    recorder.gate('g1').open();
    const done = await waitFor(async () => {
      const info = await queue.getJob(job.id);
      return info?.state === 'completed' ? info : null;
    }, 'the gated job to complete');
    expect(done).toMatchObject({ attemptsMade: 1, maxAttempts: 1 });
    expect(done.finishedAt).toBeInstanceOf(Date);

    const when = new Date('2026-03-01T08:00:00Z');
    const sent = await queue.enqueue(echo, { text: '广元市县中协作 ✓', nested: { n: 42, when: when as unknown as string } });
    const [call] = await callsOf(recorder, 'echo');
    // Both drivers hand over a JSON copy: a Date arrives as its ISO string.
    expect(call.data).toEqual({ text: '广元市县中协作 ✓', nested: { n: 42, when: '2026-03-01T08:00:00.000Z' } });
    expect(call.ctx).toEqual({ jobId: sent.id, attempt: 1, maxAttempts: 1 });
  });

  it('runs at most `concurrency` handlers at a time, the rest wait their turn', async () => {
    const { queue, recorder } = await boot({}, 2);
    const jobs = [];
    for (const gate of ['c1', 'c2', 'c3', 'c4']) jobs.push(await queue.enqueue(gated, { gate }));
    await waitFor(() => recorder.of('gated').length === 2, 'two handlers to start');
    await sleep(150);
    expect(recorder.of('gated')).toHaveLength(2);
    expect(await queue.counts()).toMatchObject({ active: 2, waiting: 2 });
    expect((await queue.listJobs('waiting')).map((j) => j.id)).toEqual([jobs[2].id, jobs[3].id]); // next to run first

    recorder.openAllGates();
    await waitFor(() => recorder.of('gated').length === 4, 'the other two to start');
    recorder.openAllGates();
    await waitFor(async () => (await queue.counts()).completed === 4, 'all four to complete');
    expect((await queue.listJobs('completed', 2)).map((j) => j.state)).toEqual(['completed', 'completed']);
  });

  it('retries with exponential backoff and growing gaps until the handler succeeds', async () => {
    const { queue, recorder, moduleRef } = await boot();
    const job = await queue.enqueue(flaky, { failTimes: 2 }, { attempts: 4, backoff: { type: 'exponential', delayMs: 100 } });
    const done = await waitFor(async () => {
      const info = await queue.getJob(job.id);
      return info?.state === 'completed' ? info : null;
    }, 'the flaky job to complete');

    const calls = recorder.of('flaky');
    expect(calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3]);
    expect(calls.map((c) => c.ctx.maxAttempts)).toEqual([4, 4, 4]);
    const gap1 = calls[1].at - calls[0].at;
    const gap2 = calls[2].at - calls[1].at;
    expect(gap1).toBeGreaterThanOrEqual(95); // 1 x 100 ms
    expect(gap2).toBeGreaterThanOrEqual(290); // 3 x 100 ms
    expect(gap2).toBeGreaterThan(gap1);
    // The last failure's message stays visible on the completed job.
    expect(done).toMatchObject({ state: 'completed', attemptsMade: 3, maxAttempts: 4, failedReason: 'planned failure 2' });

    const metrics = await moduleRef.get(MetricsService).registry.getSingleMetricAsString('jobs_total');
    expect(metrics).toContain('jobs_total{name="contract.flaky",outcome="retried"} 2');
    expect(metrics).toContain('jobs_total{name="contract.flaky",outcome="completed"} 1');
  });

  it('keeps a job that fails every attempt as failed, with its reason, listed and counted', async () => {
    const { queue, recorder, moduleRef } = await boot();
    const job = await queue.enqueue(broken, { reason: '文件已损坏 (corrupt file)' }, { attempts: 2, backoff: { type: 'fixed', delayMs: 50 } });
    const failed = await waitFor(async () => {
      const info = await queue.getJob(job.id);
      return info?.state === 'failed' ? info : null;
    }, 'the broken job to fail');

    expect(failed).toMatchObject({ state: 'failed', attemptsMade: 2, maxAttempts: 2, failedReason: '文件已损坏 (corrupt file)' });
    expect(failed.finishedAt).toBeInstanceOf(Date);
    expect(recorder.of('broken').map((c) => c.ctx.attempt)).toEqual([1, 2]);
    const listed = await queue.listJobs('failed', 10);
    expect(listed.map((j) => j.id)).toEqual([job.id]);
    expect(listed[0].failedReason).toBe('文件已损坏 (corrupt file)');
    expect((await queue.counts()).failed).toBe(1);

    const metrics = await moduleRef.get(MetricsService).registry.getSingleMetricAsString('jobs_total');
    expect(metrics).toContain('jobs_total{name="contract.broken",outcome="retried"} 1');
    expect(metrics).toContain('jobs_total{name="contract.broken",outcome="failed"} 1');
  });

  it('retry() runs a failed job once more; it refuses unknown and unfailed jobs with stable codes', async () => {
    const { queue, recorder } = await boot();
    const job = await queue.enqueue(flaky, { failTimes: 1 });
    await waitFor(async () => (await queue.getJob(job.id))?.state === 'failed', 'the first attempt to fail');

    const retried = await queue.retry(job.id);
    expect(['waiting', 'active', 'completed']).toContain(retried.state);
    const done = await waitFor(async () => {
      const info = await queue.getJob(job.id);
      return info?.state === 'completed' ? info : null;
    }, 'the retried job to complete');
    expect(done.attemptsMade).toBe(2);
    expect(recorder.of('flaky').map((c) => c.ctx.attempt)).toEqual([1, 2]);

    await expect(queue.retry(job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(queue.retry('no-such-job')).rejects.toBeInstanceOf(DomainException);
    await expect(queue.retry('no-such-job')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('does not run a delayed job before delayMs', async () => {
    const { queue, recorder } = await boot();
    const before = Date.now();
    const job = await queue.enqueue(echo, { text: 'later', nested: { n: 1, when: '' } }, { delayMs: 300 });
    expect(job.state).toBe('delayed');
    const stored = await queue.getJob(job.id);
    expect(stored?.state).toBe('delayed');
    expect(stored?.runAt?.getTime()).toBeGreaterThanOrEqual(before + 300);
    expect(stored?.runAt?.getTime()).toBeLessThan(Date.now() + 300 + 50);
    expect((await queue.listJobs('delayed')).map((j) => j.id)).toEqual([job.id]);
    expect((await queue.counts()).delayed).toBe(1);

    const [call] = await callsOf(recorder, 'echo');
    expect(call.at - job.createdAt.getTime()).toBeGreaterThanOrEqual(300);
  });

  it('makes enqueue idempotent with a jobId while the first job exists', async () => {
    const { queue, recorder } = await boot();
    const first = await queue.enqueue(gated, { gate: 'once' }, { jobId: 'report:2026-03' });
    const second = await queue.enqueue(gated, { gate: 'other' }, { jobId: 'report:2026-03' });
    expect(first.id).toBe('report:2026-03');
    expect(second.id).toBe('report:2026-03');
    expect(second.data).toEqual({ gate: 'once' }); // the existing job, not the new arguments

    await waitFor(() => recorder.of('gated').length === 1, 'the gated handler to start');
    recorder.gate('once').open();
    await waitFor(async () => (await queue.getJob('report:2026-03'))?.state === 'completed', 'the job to complete');
    // Kept as completed, it still absorbs duplicates.
    const third = await queue.enqueue(gated, { gate: 'third' }, { jobId: 'report:2026-03' });
    expect(third).toMatchObject({ id: 'report:2026-03', state: 'completed', data: { gate: 'once' } });
    await sleep(150);
    expect(recorder.of('gated').map((c) => c.data)).toEqual([{ gate: 'once' }]);
  });

  it('rejects invalid options before storing anything', async () => {
    const { queue } = await boot();
    await expect(queue.enqueue(echo, { text: '', nested: { n: 0, when: '' } }, { attempts: 0 })).rejects.toThrow(/attempts must be an integer/);
    await expect(queue.enqueue(echo, { text: '', nested: { n: 0, when: '' } }, { jobId: '123' })).rejects.toThrow(/jobId must not be only digits/);
    await expect(queue.enqueue(echo, { text: '', nested: { n: 0, when: '' } }, { delayMs: -1 })).rejects.toThrow(/delayMs/);
    await expect(queue.schedule(tick, { series: 'x' }, { key: 'k', everyMs: 100, cron: '* * * * *' })).rejects.toThrow(/exactly one of everyMs and cron/);
    await expect(queue.schedule(tick, { series: 'x' }, { key: 'k', cron: 'not a cron' })).rejects.toThrow(/invalid cron pattern/);
    await expect(queue.schedule(tick, { series: 'x' }, { key: 'k', cron: '* * * * *', tz: 'Mars/Base' })).rejects.toThrow(/unknown time zone/);
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    expect(await queue.listScheduled()).toEqual([]);
  });

  it('runs a repeatable job several times, replaces it by key, and stops it with unschedule', async () => {
    const { queue, recorder } = await boot();
    await queue.schedule(tick, { series: 'old' }, { everyMs: 60_000, key: 'heartbeat' });
    // Same job and key: replaced (new timing and data), not added.
    const info = await queue.schedule(tick, { series: 'hb' }, { everyMs: 150, key: 'heartbeat' });
    expect(info).toMatchObject({ name: 'contract.tick', key: 'heartbeat', everyMs: 150 });
    const scheduled = await queue.listScheduled();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ name: 'contract.tick', key: 'heartbeat', everyMs: 150 });
    expect(scheduled[0].nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now() + 150);

    const runs = await callsOf(recorder, 'tick', 3);
    expect(runs.every((c) => (c.data as { series: string }).series === 'hb')).toBe(true);
    expect(runs[2].at - runs[0].at).toBeGreaterThanOrEqual(2 * 150 - 20);

    expect(await queue.unschedule(tick, 'heartbeat')).toBe(true);
    expect(await queue.unschedule(tick, 'heartbeat')).toBe(false);
    expect(await queue.listScheduled()).toEqual([]);
    const count = recorder.of('tick').length;
    await sleep(500); // absence can only be shown by waiting: > 3 periods
    expect(recorder.of('tick')).toHaveLength(count);
    expect((await queue.counts()).delayed).toBe(0);
  });

  it('runs a cron schedule in a time zone', async () => {
    const { queue, recorder } = await boot();
    const info = await queue.schedule(tick, { series: 'cron' }, { cron: '* * * * * *', tz: 'Asia/Shanghai', key: 'every-second' });
    expect(info).toMatchObject({ key: 'every-second', cron: '* * * * * *', tz: 'Asia/Shanghai' });
    expect(info.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const [run] = await callsOf(recorder, 'tick', 1, 3000);
    expect(run.ctx.jobId).toMatch(/^repeat:/);
    expect(await queue.unschedule(tick, 'every-second')).toBe(true);
  });

  it('remove() drops a delayed job so it never runs, and refuses to remove a running one', async () => {
    const { queue, recorder } = await boot();
    const reminder = await queue.enqueue(echo, { text: 'reminder', nested: { n: 1, when: '' } }, { delayMs: 200 });
    expect(await queue.remove(reminder.id)).toBe(true);
    expect(await queue.getJob(reminder.id)).toBeNull();
    expect(await queue.remove(reminder.id)).toBe(false);

    const running = await queue.enqueue(gated, { gate: 'busy' });
    await waitFor(() => recorder.of('gated').length === 1, 'the gated handler to start');
    await expect(queue.remove(running.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    recorder.gate('busy').open();
    await waitFor(async () => (await queue.getJob(running.id))?.state === 'completed', 'the gated job to complete');
    expect(await queue.remove(running.id)).toBe(true);

    await sleep(300); // past the reminder's due time
    expect(recorder.of('echo')).toEqual([]);
  });

  it('close() waits for a running handler, then refuses new jobs', async () => {
    const { queue, recorder } = await boot();
    await queue.enqueue(gated, { gate: 'shutdown' });
    await waitFor(() => recorder.of('gated').length === 1, 'the gated handler to start');
    setTimeout(() => recorder.gate('shutdown').open(), 200);

    const started = Date.now();
    await queue.close();
    expect(recorder.finished).toEqual(['shutdown']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await expect(queue.enqueue(echo, { text: '', nested: { n: 0, when: '' } })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(queue.ping()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await queue.close(); // idempotent; the module calls it again on shutdown
  });

  it('with RUN_JOBS=false stores jobs without running them; a worker on the same queue runs them', async () => {
    const api = await boot({ RUN_JOBS: 'false' });
    const job = await api.queue.enqueue(echo, { text: 'from the api', nested: { n: 2, when: '' } });
    await sleep(200);
    expect(api.recorder.calls).toEqual([]);
    expect((await api.queue.getJob(job.id))?.state).toBe('waiting');

    if (driver === 'bull') {
      // A separate context with RUN_JOBS=true on the same prefix plays apps/worker.
      const worker = await boot({ RUN_JOBS: 'true', QUEUE_PREFIX: api.config.QUEUE_PREFIX });
      await waitFor(async () => (await api.queue.getJob(job.id))?.state === 'completed', 'the worker to run the job');
      expect(worker.recorder.of('echo').map((c) => c.data)).toEqual([{ text: 'from the api', nested: { n: 2, when: '' } }]);
      expect(api.recorder.calls).toEqual([]);
    }
  });
});
