import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../../accounts/user.entity';
import { ResourcesModule } from '../../resources/resources.module';
import { ResearchSessionsModule } from '../sessions/research-sessions.module';
import { LiveChatMessage } from './chat/live-chat-message.entity';
import { LiveBroadcastModule } from './live-broadcast.module';
import { LiveCollabGateway } from './live-collab.gateway';
import { LiveCollabParticipants } from './live-collab-participants';
import { LiveExportController } from './live-export.controller';
import { LiveExportService } from './live-export.service';
import { LiveFloor } from './hands/live-floor.entity';
import { LiveHand } from './hands/live-hand.entity';
import { LiveHandsService } from './hands/live-hands.service';
import { LiveMinutesLock } from './minutes/live-minutes-lock.entity';
import { LiveMinutesUpdate } from './minutes/live-minutes-update.entity';
import { LiveMinutesService } from './minutes/live-minutes.service';
import { LivePoll } from './polls/live-poll.entity';
import { LivePollVote } from './polls/live-poll-vote.entity';
import { LivePollsService } from './polls/live-polls.service';
import { LiveRubricScore } from './rubric/live-rubric-score.entity';
import { LiveRubricService } from './rubric/live-rubric.service';
import { LiveSharedResource } from './shares/live-shared-resource.entity';
import { LiveSharesService } from './shares/live-shares.service';

/**
 * Live room collaboration (issue 5 items 3 and 6): raise hand, polls, shared resources, shared minutes (Yjs), the
 * lesson-evaluation rubric, and the session record export (JSON / .xlsx). Its gateway shares the /live namespace
 * with LiveGateway (LiveModule imports this module), whose middleware authenticates and screens every event.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LiveHand, LiveFloor, LivePoll, LivePollVote, LiveMinutesUpdate, LiveMinutesLock, LiveRubricScore, LiveSharedResource, LiveChatMessage, User]),
    ResourcesModule,
    ResearchSessionsModule,
    LiveBroadcastModule,
  ],
  controllers: [LiveExportController],
  providers: [LiveCollabGateway, LiveCollabParticipants, LiveHandsService, LivePollsService, LiveSharesService, LiveMinutesService, LiveRubricService, LiveExportService],
  exports: [LiveMinutesService, LivePollsService, LiveRubricService, LiveExportService],
})
export class LiveCollabModule {}
