import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@app/platform';
import { NOTIFICATION_LINK_KINDS } from './notification.entity';
import type { NotificationLinkKind } from './notification.entity';

/** Query strings carry text: 'true'/'1' and 'false'/'0' become booleans, anything else fails validation. */
const toBool = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};

export class ListNotificationsQuery extends PageQuery {
  /** true: only unread; false: only read; absent: all. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @Transform(toBool) @IsBoolean()
  unread?: boolean;
}

export class NotificationIdParams {
  @IsUUID('all')
  id: string;
}

// ---- responses ----

export class NotificationLinkDto {
  @ApiProperty({ enum: NOTIFICATION_LINK_KINDS })
  kind: NotificationLinkKind;
  id: string;
}

export class NotificationDto {
  id: string;
  /** Stable English event name, e.g. `measure.rejected`. */
  type: string;
  title: string;
  body: string | null;
  @ApiProperty({ type: NotificationLinkDto, nullable: true })
  link: NotificationLinkDto | null;
  read: boolean;
  readAt: Date | null;
  createdAt: Date;
}

export class NotificationPageDto {
  items: NotificationDto[];
  total: number;
  page: number;
  limit: number;
  /** The caller's unread notifications in all (whatever the filter), for the badge. */
  unread: number;
}

export class ReadAllResultDto {
  /** How many notifications this call marked read. */
  updated: number;
  unread: number;
}
