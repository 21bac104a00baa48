import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { User } from '../../accounts/user.entity';
import { ResearchSessionInvitation, ResearchSessionRsvp } from './research-session-links.entity';

const CHUNK = 500;

/** Who a session's notifications go to: invited users and the active users of invited organizations. */
@Injectable()
export class SessionInvitees {
  constructor(
    @InjectRepository(ResearchSessionInvitation) private readonly invitations: Repository<ResearchSessionInvitation>,
    @InjectRepository(ResearchSessionRsvp) private readonly rsvps: Repository<ResearchSessionRsvp>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  /** Invitee user ids, without those who declined when `exceptDeclined`. */
  async userIds(sessionId: string, opts: { exceptDeclined?: boolean } = {}): Promise<string[]> {
    const rows = await this.invitations.find({ where: { sessionId } });
    const ids = new Set(rows.map((r) => r.userId).filter((id): id is string => !!id));
    const orgs = [...new Set(rows.filter((r) => !r.userId && r.organizationId).map((r) => r.organizationId as string))];
    for (let i = 0; i < orgs.length; i += CHUNK) {
      const found = await this.users.find({ where: { organizationId: In(orgs.slice(i, i + CHUNK)), active: true }, select: { id: true } });
      for (const u of found) ids.add(u.id);
    }
    if (opts.exceptDeclined) {
      const declined = await this.rsvps.find({ where: { sessionId, response: 'decline' }, select: { userId: true } });
      for (const r of declined) ids.delete(r.userId);
    }
    return [...ids].sort();
  }
}
