import { Injectable, Scope } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { AppConfig } from '@app/platform';
import { defineJob } from './job-definition';
import { JobExplorer } from './job-explorer';
import { OnJob } from './on-job.decorator';

// The registry is per process (per spec file under jest): these two are all the jobs "defined" here.
const alpha = defineJob<{ n: number }>('spec.alpha');
const beta = defineJob<void>('spec.beta');

@Injectable()
class AlphaHandlers {
  calls: number[] = [];
  @OnJob(alpha)
  async run(data: { n: number }): Promise<void> {
    this.calls.push(data.n);
  }
}

@Injectable()
class AlphaAgain {
  @OnJob(alpha)
  async again(): Promise<void> {}
}

@Injectable()
class BetaHandlers {
  @OnJob(beta)
  async run(): Promise<void> {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedBeta {
  @OnJob(beta)
  async run(): Promise<void> {}
}

function config(runJobs: boolean): AppConfig {
  return Object.assign(new AppConfig(), { RUN_JOBS: runJobs });
}

async function start(providers: Array<new (...args: never[]) => unknown>, runJobs = true): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [JobExplorer, { provide: AppConfig, useValue: config(runJobs) }, ...providers],
  }).compile();
  try {
    await moduleRef.init();
  } catch (error) {
    await moduleRef.close();
    throw error;
  }
  return moduleRef;
}

describe('JobExplorer', () => {
  it('starts when every defined job has exactly one handler, and binds the handler to its instance', async () => {
    const moduleRef = await start([AlphaHandlers, BetaHandlers]);
    const handler = moduleRef.get(JobExplorer).handlerFor('spec.alpha');
    await handler?.({ n: 7 }, { jobId: '1', attempt: 1, maxAttempts: 1 });
    expect(moduleRef.get(AlphaHandlers).calls).toEqual([7]);
    expect(moduleRef.get(JobExplorer).handlerFor('spec.unknown')).toBeUndefined();
    await moduleRef.close();
  });

  it('fails start-up, naming the job, when a defined job has no handler and this process runs jobs', async () => {
    await expect(start([AlphaHandlers])).rejects.toThrow(
      /job "spec\.beta" has no @OnJob handler in this application; import the module that handles it/,
    );
  });

  it('fails start-up, naming the job and both handlers, when a job has two handlers', async () => {
    await expect(start([AlphaHandlers, AlphaAgain, BetaHandlers])).rejects.toThrow(
      /job "spec\.alpha" has 2 handlers: AlphaHandlers\.run .*, AlphaAgain\.again .*; keep exactly one/,
    );
  });

  it('does not require handlers in a process that does not run jobs, but still rejects duplicates', async () => {
    const moduleRef = await start([AlphaHandlers], false);
    expect(moduleRef.get(JobExplorer).handlerFor('spec.beta')).toBeUndefined();
    await moduleRef.close();
    await expect(start([AlphaHandlers, AlphaAgain], false)).rejects.toThrow(/job "spec\.alpha" has 2 handlers/);
  });

  it('rejects a handler on a request-scoped provider, which would never run', async () => {
    await expect(start([AlphaHandlers, RequestScopedBeta])).rejects.toThrow(
      /RequestScopedBeta\.run .*uses @OnJob but is not a singleton provider/,
    );
  });
});

describe('defineJob / @OnJob', () => {
  it('rejects a second definition of the same name and names that would break Redis keys', () => {
    expect(() => defineJob('spec.alpha')).toThrow(/Job "spec\.alpha" is defined twice/);
    expect(() => defineJob('bad:name')).toThrow(/Invalid job name/);
    expect(() => defineJob('')).toThrow(/Invalid job name/);
  });

  it('explains an undefined definition (usually a circular import) at the decorated method', () => {
    expect(() => {
      class Broken {
        @OnJob(undefined as unknown as typeof alpha)
        async run(): Promise<void> {}
      }
      return Broken;
    }).toThrow(/@OnJob on Broken\.run needs a definition created by defineJob\(\)/);
  });
});
