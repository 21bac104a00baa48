import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '@app/platform';
import { JobExplorer } from './job-explorer';

export interface RunnableJob {
  id: string;
  name: string;
  data: unknown;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Runs one attempt of a job for either driver: finds the handler, times it, records the outcome in
 * MetricsService and logs failures. The driver decides what happens next (retry, backoff, failed).
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly explorer: JobExplorer,
    private readonly metrics: MetricsService,
  ) {}

  async run(job: RunnableJob): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const handler = this.explorer.handlerFor(job.name);
      // Possible with bull when an older or newer deployment enqueued a job this worker does not know.
      if (!handler) throw new Error(`no @OnJob handler for job "${job.name}" in this process`);
      await handler(job.data, { jobId: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts });
    } catch (raw) {
      const error = toError(raw);
      const willRetry = job.attempt < job.maxAttempts;
      this.metrics.recordJob(job.name, willRetry ? 'retried' : 'failed', seconds());
      const line = `job ${job.name} #${job.id} attempt ${job.attempt}/${job.maxAttempts} failed${willRetry ? ', will retry' : ''}: ${error.message}`;
      if (willRetry) this.logger.warn(line);
      else this.logger.error(line, error.stack);
      throw error;
    }
    this.metrics.recordJob(job.name, 'completed', seconds());
  }
}

/** Drivers store error.message as the failed reason; a thrown string or object still needs a readable one. */
function toError(raw: unknown): Error {
  if (raw instanceof Error) {
    if (!raw.message) raw.message = raw.name || 'Error';
    return raw;
  }
  let message: string;
  try {
    message = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  } catch {
    message = String(raw);
  }
  return new Error(message || 'job failed');
}
