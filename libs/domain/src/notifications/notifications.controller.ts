import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal, SkipAudit } from '@app/platform';
import { ListNotificationsQuery, NotificationDto, NotificationIdParams, NotificationPageDto, ReadAllResultDto } from './notifications.dto';
import { NotificationsService } from './notifications.service';

/**
 * The caller's own notifications. Live delivery: socket.io namespace `/notifications` with the access token in
 * the handshake (`auth: { token }`), events `notification`, `unread`, `session_expired`.
 */
@ApiTags('notifications')
@Controller(apiPath('notifications'))
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** Newest first; `unread` in the response is the caller's total unread count. */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationPageDto> {
    return this.notifications.list(user, query);
  }

  // Marking read changes no shared record, so these writes are not audited.
  @Post('read-all')
  @HttpCode(200)
  @Access('any')
  @SkipAudit()
  readAll(@CurrentUser() user: Principal): Promise<ReadAllResultDto> {
    return this.notifications.markAllRead(user);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Access('any')
  @SkipAudit()
  @ApiNotFoundResponse({ description: 'NOTIFICATION_NOT_FOUND (also for other users\' notifications)' })
  read(@CurrentUser() user: Principal, @Param() params: NotificationIdParams): Promise<NotificationDto> {
    return this.notifications.markRead(user, params.id);
  }
}
