import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { Partnership } from '../../partnerships/partnership.entity';
import { PartnershipParty } from '../../partnerships/partnership-party.entity';
import { PartnershipsModule } from '../../partnerships/partnerships.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { ResourcesModule } from '../../resources/resources.module';
import { Resource } from '../../resources/resource.entity';
import { TrainingModule } from '../training/training.module';
import { LiveBroadcastModule } from '../live/live-broadcast.module';
import { ResearchSession } from './research-session.entity';
import { CalendarFeedToken, ResearchSessionInvitation, ResearchSessionResource, ResearchSessionRsvp } from './research-session-links.entity';
import { ResearchSessionsService } from './research-sessions.service';
import { SessionInvitees } from './session-invitees.service';
import { SessionReminders } from './session-reminders.service';
import { SessionAutoEnd } from './session-auto-end.handler';
import { CalendarFeedService } from './calendar-feed.service';
import { SessionObligationCounter } from './session-obligation.counter';
import { CalendarFeedController, ResearchSessionsController } from './research-sessions.controller';

/**
 * Research sessions (issue 5 items 1, 2): scheduling, invitations, RSVPs, clash flags, reminders, the iCal feed,
 * and the partnerships' joint-research obligation counter. The live room (LiveModule) builds on this module.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ResearchSession, ResearchSessionInvitation, ResearchSessionRsvp, ResearchSessionResource, CalendarFeedToken, User, Organization, Partnership, PartnershipParty, Resource]),
    PartnershipsModule,
    NotificationsModule,
    ResourcesModule,
    TrainingModule,
    LiveBroadcastModule,
  ],
  controllers: [ResearchSessionsController, CalendarFeedController],
  providers: [ResearchSessionsService, SessionInvitees, SessionReminders, SessionAutoEnd, CalendarFeedService, SessionObligationCounter],
  exports: [ResearchSessionsService],
})
export class ResearchSessionsModule {}
