import { Module } from '@nestjs/common';
import { LiveRooms } from './live-rooms';

/**
 * Only LiveRooms (depends on AppConfig alone), so ResearchSessionsModule can emit to a live room without
 * importing LiveModule (which imports it: no cycle).
 */
@Module({
  providers: [LiveRooms],
  exports: [LiveRooms],
})
export class LiveBroadcastModule {}
