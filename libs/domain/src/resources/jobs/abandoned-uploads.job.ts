import { defineJob } from '@app/queue';

/** Aborts resumable uploads idle longer than UPLOAD_ABANDON_HOURS and deletes what they stored. */
export const cleanAbandonedUploads = defineJob<{ trigger: 'schedule' }>('resources.clean-abandoned-uploads');
