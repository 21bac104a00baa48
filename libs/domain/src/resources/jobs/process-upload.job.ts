import { defineJob } from '@app/queue';

/** Verifies a just-uploaded version (size, SHA-256, real type), dedupes it and moves the resource on. */
export const processResourceUpload = defineJob<{ versionId: string }>('resources.process-upload');
