import { defineJob } from '@app/queue';
import type { ReminderOffset } from '../research-session-rules';

/**
 * A reminder 24 h or 15 min before a research session. `startsAt` is the start the job was planned for: the handler
 * ignores the job when the session has moved or was cancelled since (removal on reschedule is best effort).
 */
export const researchSessionReminder = defineJob<{ sessionId: string; offset: ReminderOffset; startsAt: string }>('research.session-reminder');
