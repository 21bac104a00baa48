import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { defineJob, JobQueue, OnJob } from '@app/queue';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../utils/create-app';
import { testConfig } from '../utils/test-config';

/**
 * Who runs the jobs. Production (bull): the api only enqueues (RUN_JOBS=false) and apps/worker, a separate
 * application context on the same Redis queue, runs the handlers. Embedded (memory): the api runs them itself.
 */
const probe = defineJob<{ marker: string }>('test.worker-probe');

@Injectable()
class ProbeHandler {
  static ran: { marker: string; ranIn: string }[] = [];
  static who = 'unset';

  @OnJob(probe)
  async handle(data: { marker: string }): Promise<void> {
    ProbeHandler.ran.push({ marker: data.marker, ranIn: ProbeHandler.who });
  }
}

async function waitFor(check: () => boolean, timeoutMs = 15000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onBull = process.env.QUEUE_DRIVER === 'bull';

describe(`job execution (${onBull ? 'bull: api enqueues, worker runs' : 'memory: the api runs its own jobs'})`, () => {
  let api: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    const shared = testConfig();
    if (onBull) {
      api = await createTestApp({ DATA_DIR: shared.DATA_DIR, QUEUE_PREFIX: shared.QUEUE_PREFIX, RUN_JOBS: 'false' });
      const workerConfig = testConfig({ DATA_DIR: shared.DATA_DIR, QUEUE_PREFIX: shared.QUEUE_PREFIX, RUN_JOBS: 'true', SEED_ON_START: 'false' });
      const moduleRef = await Test.createTestingModule({ imports: [WorkerModule], providers: [ProbeHandler] })
        .overrideProvider(AppConfig)
        .useValue(workerConfig)
        .compile();
      worker = moduleRef;
      await moduleRef.init();
    } else {
      api = await createTestApp({}, { providers: [ProbeHandler] });
    }
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('runs a job enqueued through the api exactly once, in the process meant to run it', async () => {
    ProbeHandler.who = onBull ? 'worker' : 'api';
    const queue = api.app.get(JobQueue);
    const marker = `m-${Date.now()}`;
    const job = await queue.enqueue(probe, { marker });
    if (onBull) {
      // The api process has no handler running: only the worker's consumer can complete it.
      expect(api.config.runJobs).toBe(false);
    }
    await waitFor(() => ProbeHandler.ran.some((r) => r.marker === marker));
    const info = await queue.getJob(job.id);
    expect(info?.state).toBe('completed');
    expect(ProbeHandler.ran.filter((r) => r.marker === marker)).toEqual([{ marker, ranIn: ProbeHandler.who }]);
  });
});
