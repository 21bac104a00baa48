import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../../accounts/user.entity';
import { ResearchSessionsModule } from '../sessions/research-sessions.module';
import { TrainingModule } from '../training/training.module';
import { LiveChatMessage } from './chat/live-chat-message.entity';
import { LiveChatService } from './chat/live-chat.service';
import { LiveBroadcastModule } from './live-broadcast.module';
import { LiveCollabModule } from './live-collab.module';
import { LiveGateway } from './live.gateway';

/**
 * The live research room (issue 5 items 3, 4, 7, 8): the /live gateway, chat, presence, limits. Imports the
 * sessions context (access, agenda, end) and training (attendance); LiveRooms comes from LiveBroadcastModule;
 * LiveCollabModule adds its gateway (hands, polls, minutes, rubric) to the same namespace.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LiveChatMessage, User]), LiveBroadcastModule, ResearchSessionsModule, TrainingModule, LiveCollabModule],
  providers: [LiveChatService, LiveGateway],
  exports: [LiveChatService],
})
export class LiveModule {}
