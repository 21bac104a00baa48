import { Injectable } from '@nestjs/common';
import { OnJob } from '@app/queue';
import { ResearchSessionsService } from './research-sessions.service';
import { researchSessionAutoEnd } from './jobs/session-auto-end.job';

/**
 * Runs the automatic end planned by SessionReminders. A provider of its own because the service it calls
 * depends on SessionReminders (which plans the job), so the handler cannot live there without a cycle.
 */
@Injectable()
export class SessionAutoEnd {
  constructor(private readonly sessions: ResearchSessionsService) {}

  @OnJob(researchSessionAutoEnd)
  async handle(data: { sessionId: string; endsAt: string }): Promise<void> {
    await this.sessions.autoEnd(data.sessionId, data.endsAt);
  }
}
