import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PLATFORM_TIME_ZONE } from '@app/platform';
import { JobQueue } from '@app/queue';
import { FLAG_UNOPENED_CRON, FLAG_UNOPENED_KEY, pushesFlagUnopened } from './jobs/flag-unopened.job';

/** Schedules the daily unopened-push flag on start-up; scheduling the same job and key again replaces it. */
@Injectable()
export class PushesScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PushesScheduler.name);

  constructor(private readonly queue: JobQueue) {}

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.queue.schedule(
      pushesFlagUnopened,
      { trigger: 'schedule' },
      { cron: FLAG_UNOPENED_CRON, tz: PLATFORM_TIME_ZONE, key: FLAG_UNOPENED_KEY, attempts: 3, backoff: { type: 'exponential', delayMs: 60_000 } },
    );
    this.logger.log(`Daily unopened-push flag scheduled (${info.cron}, ${info.tz}); next run ${info.nextRunAt?.toISOString() ?? 'unknown'}`);
  }
}
