import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '@app/platform';
import { BullJobQueue } from './bull.driver';
import { JobExplorer } from './job-explorer';
import { JobQueue } from './job-queue.port';
import { JobRunner } from './job-runner';
import { MemoryJobQueue } from './memory.driver';
import { QUEUE_MODULE_OPTIONS, QueueModuleOptions, ResolvedQueueOptions, resolveQueueOptions } from './queue.constants';

/**
 * Import once in the root module of every process (api and worker), next to PlatformModule:
 * `QueueModule.forRootAsync()`. Global, so contexts inject `JobQueue` without importing anything.
 *
 * Start-up (app.init() / NestFactory.createApplicationContext):
 *   onModuleInit            JobExplorer collects @OnJob handlers and fails start-up on a missing/duplicate one;
 *   onApplicationBootstrap  if config.runJobs, the driver starts running handlers.
 * Shutdown (app.close()): beforeApplicationShutdown closes the queue. Global modules get that hook after the
 * app's own modules (so the api has already stopped taking requests) and the database closes later, in
 * onApplicationShutdown, so running handlers can finish with it.
 */
@Module({})
export class QueueModule {
  static forRootAsync(options: QueueModuleOptions = {}): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: QUEUE_MODULE_OPTIONS, useFactory: () => resolveQueueOptions(options) },
        JobExplorer,
        JobRunner,
        {
          provide: JobQueue,
          inject: [AppConfig, JobRunner, QUEUE_MODULE_OPTIONS],
          // Chosen inside DI from the validated config, never at import time, so tests can override AppConfig.
          useFactory: (config: AppConfig, runner: JobRunner, resolved: ResolvedQueueOptions): JobQueue =>
            config.QUEUE_DRIVER === 'bull' ? new BullJobQueue(config, runner, resolved) : new MemoryJobQueue(config, runner, resolved),
        },
      ],
      exports: [JobQueue],
    };
  }
}
