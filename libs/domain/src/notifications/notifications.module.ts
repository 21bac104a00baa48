import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../accounts/user.entity';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsGateway } from './notifications.gateway';
import { NotificationsLive } from './notifications-live.service';
import { NotificationsService } from './notifications.service';

/**
 * In-app notifications with live delivery. Global, so any context can inject NotificationsService without
 * importing this module. In apps/worker the gateway is inert (no socket.io server there); see NotificationsLive.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification, User])],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsLive, NotificationsGateway],
  exports: [NotificationsService],
})
export class NotificationsModule {}
