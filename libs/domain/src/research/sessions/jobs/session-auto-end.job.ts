import { defineJob } from '@app/queue';

/**
 * Ends a research session the host did not end, a grace period after its scheduled end. `endsAt` is the end the
 * job was planned for: the handler ignores the job when the session has moved, ended or was cancelled since
 * (removal on reschedule, cancel and manual end is best effort).
 */
export const researchSessionAutoEnd = defineJob<{ sessionId: string; endsAt: string }>('research.session-auto-end');
