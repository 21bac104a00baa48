export interface QueueModuleOptions {
  /** How many handlers run at the same time in this process (default 5). */
  concurrency?: number;
  /** How many completed jobs are kept for inspection (default 1000); failed jobs are all kept. */
  keepCompleted?: number;
  /** How long close() waits for running handlers (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Name of the bull queue under QUEUE_PREFIX (default "jobs"). */
  queueName?: string;
}

export type ResolvedQueueOptions = Required<QueueModuleOptions>;

export const QUEUE_MODULE_OPTIONS = Symbol('QUEUE_MODULE_OPTIONS');

export function resolveQueueOptions(options: QueueModuleOptions = {}): ResolvedQueueOptions {
  const resolved = {
    concurrency: options.concurrency ?? 5,
    keepCompleted: options.keepCompleted ?? 1000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
    queueName: options.queueName ?? 'jobs',
  };
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1) throw new Error('QueueModule: concurrency must be an integer >= 1');
  if (!Number.isInteger(resolved.keepCompleted) || resolved.keepCompleted < 0) throw new Error('QueueModule: keepCompleted must be an integer >= 0');
  if (!Number.isFinite(resolved.shutdownTimeoutMs) || resolved.shutdownTimeoutMs < 0) throw new Error('QueueModule: shutdownTimeoutMs must be >= 0');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(resolved.queueName)) throw new Error('QueueModule: queueName must be 1-40 letters, digits, _ or -');
  return resolved;
}
