import { UuidEntity } from '@app/platform';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';

export const INVITATION_ROLES = ['presenter', 'participant'] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];

/** One invited organization (organizationId, userId null) or one invited person (userId set) of a session. */
@Entity('research_session_invitations')
@Index('idx_rsi_session', ['sessionId'])
@Index('idx_rsi_org', ['organizationId'])
@Index('idx_rsi_user', ['userId'])
export class ResearchSessionInvitation extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 20, default: 'participant' })
  role: InvitationRole;

  @CreateDateColumn()
  createdAt: Date;
}

export const RSVP_RESPONSES = ['accept', 'decline', 'tentative'] as const;
export type RsvpResponse = (typeof RSVP_RESPONSES)[number];

/** A user's answer to an invitation; one per user per session, updatable. */
@Entity('research_session_rsvps')
@Index('uq_rsvp_session_user', ['sessionId', 'userId'], { unique: true })
export class ResearchSessionRsvp extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Index('idx_rsvp_user')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  response: RsvpResponse;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}

/** A library resource linked to a session (materials, the lesson plans of 同课异构). */
@Entity('research_session_resources')
@Index('uq_rsr_session_resource', ['sessionId', 'resourceId'], { unique: true })
export class ResearchSessionResource extends UuidEntity {
  @Column({ type: 'varchar', length: 36 })
  sessionId: string;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'int', default: 0 })
  position: number;
}

/** A user's secret calendar-feed token, stored as its SHA-256 hex; rotating replaces the row. */
@Entity('calendar_feed_tokens')
export class CalendarFeedToken extends UuidEntity {
  @Index('uq_cft_user', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Index('uq_cft_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @CreateDateColumn()
  createdAt: Date;
}
