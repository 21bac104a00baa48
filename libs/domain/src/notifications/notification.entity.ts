import { UuidEntity } from '@app/platform';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../accounts/user.entity';

export const NOTIFICATION_LINK_KINDS = ['plan', 'measure', 'rectification', 'partnership', 'push', 'research_session'] as const;
export type NotificationLinkKind = (typeof NOTIFICATION_LINK_KINDS)[number];

/**
 * One in-app message to one user (站内通知). Rows are per recipient so read state is per user; the list is
 * read newest first, and the unread badge counts `readAt IS NULL`, hence the two indexes.
 */
@Entity('notifications')
@Index('idx_notification_user_created', ['userId', 'createdAt'])
@Index('idx_notification_user_unread', ['userId', 'readAt', 'createdAt'])
export class Notification extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;

  /** What happened, stable English, e.g. `measure.rejected`, `rectification.opened`. */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  /** Chinese, shown as the headline. */
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  body: string | null;

  /** What the notification opens in the app, if anything. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  linkKind: NotificationLinkKind | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  linkId: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  readAt: Date | null;

  /** Set by the service (millisecond precision on both dialects, so newest-first is stable). */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
