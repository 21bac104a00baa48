import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, PLATFORM_TIME_ZONE } from '@app/platform';
import { JobQueue } from '@app/queue';
import { DAILY_SCAN_KEY, supervisionDailyScan } from './jobs/daily-scan.job';

/**
 * Schedules the daily supervision scan when the application starts. Scheduling the same job and key replaces
 * the one schedule, so every start (api or worker, one instance or several) leaves exactly one.
 */
@Injectable()
export class SupervisionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SupervisionScheduler.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.queue.schedule(
      supervisionDailyScan,
      { trigger: 'schedule' },
      { cron: this.config.SUPERVISION_SCAN_CRON, tz: PLATFORM_TIME_ZONE, key: DAILY_SCAN_KEY, attempts: 3, backoff: { type: 'exponential', delayMs: 60_000 } },
    );
    this.logger.log(`Daily supervision scan scheduled (${info.cron}, ${info.tz}); next run ${info.nextRunAt?.toISOString() ?? 'unknown'}`);
  }
}
