import { defineJob } from '@app/queue';

/** The daily scan flagging pushes a target school has not opened PUSH_UNOPENED_DAYS after delivery. */
export const pushesFlagUnopened = defineJob<{ trigger: 'schedule' | 'manual' }>('pushes.flag-unopened');

/** Schedule key of the daily scan; scheduling it again on every start replaces the one schedule. */
export const FLAG_UNOPENED_KEY = 'daily';

/** 07:00 in Asia/Shanghai, after the supervision scan, before the school day. */
export const FLAG_UNOPENED_CRON = '0 7 * * *';
