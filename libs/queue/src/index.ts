export * from './job-queue.port';
export { defineJob, definedJobs } from './job-definition';
export type { JobDefinition } from './job-definition';
export { OnJob } from './on-job.decorator';
export type { JobHandler } from './on-job.decorator';
export { QueueModule } from './queue.module';
export type { QueueModuleOptions } from './queue.constants';
