import { defineJob } from '@app/queue';

/** Compares the object store with the stored_objects rows, reports both kinds of drift and repairs the safe cases. */
export const reconcileResourceStorage = defineJob<{ trigger: 'schedule' }>('resources.reconcile');
