import { defineJob } from '@app/queue';

/** Deletes stored objects whose reference count reached zero (bytes first, then the row). */
export const freeResourceObjects = defineJob<{ trigger: 'delete' | 'schedule' }>('resources.free-objects');
