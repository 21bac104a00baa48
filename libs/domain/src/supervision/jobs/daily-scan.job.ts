import { defineJob } from '@app/queue';

/** The daily supervision scan (督导), scheduled on start-up with the cron of SUPERVISION_SCAN_CRON in Asia/Shanghai. */
export const supervisionDailyScan = defineJob<{ trigger: 'schedule' }>('supervision.daily-scan');

/** Schedule key of the daily scan; scheduling it again on every start replaces the one schedule. */
export const DAILY_SCAN_KEY = 'daily';
