import { defineJob } from '@app/queue';

/**
 * Brings the search index up to date with every resource: indexes resources without index rows and re-indexes
 * those whose text changed without an entity event. Daily, and on demand (POST /api/v1/search-index/reconcile).
 */
export const searchReconcile = defineJob<{ trigger: 'schedule' | 'manual'; force?: boolean }>('resources.search-reconcile');

/** Schedule key of the daily run; scheduling it again on every start replaces the one schedule. */
export const SEARCH_RECONCILE_KEY = 'daily';
/** 03:40 Asia/Shanghai, after the night's other maintenance. */
export const SEARCH_RECONCILE_CRON = '40 3 * * *';
