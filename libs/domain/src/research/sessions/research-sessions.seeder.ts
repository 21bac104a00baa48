import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { ResearchSession } from './research-session.entity';
import { ResearchSessionInvitation } from './research-session-links.entity';

/** Fixed ids make the seed idempotent (also when two instances seed at once): the insert of an existing id is a no-op. */
export const SEED_SESSION_ID = '5eed0005-0000-4000-8000-000000000001';
const SEED_INVITATION_ID = '5eed0005-0000-4000-8000-000000000002';

/**
 * One upcoming joint research session for the demo: 剑州中学 hosts, 旺苍东城中学 is invited. A fixed date (Thursday
 * 18 March 2027, 09:00–11:30 Beijing time) rather than one relative to now, so re-seeding never creates another.
 */
@Injectable()
export class ResearchSessionsSeeder {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(): Promise<number> {
    const sessions = this.dataSource.getRepository(ResearchSession);
    if (await sessions.exists({ where: { id: SEED_SESSION_ID } })) return 0;
    const orgs = this.dataSource.getRepository(Organization);
    const host = await orgs.findOne({ where: { name: '剑州中学' } });
    const guest = await orgs.findOne({ where: { name: '旺苍东城中学' } });
    const users = this.dataSource.getRepository(User);
    const admin = await users.findOne({ where: { username: 'admin.jianzhou' } });
    const teacher = await users.findOne({ where: { username: 'teacher.jianzhou' } });
    if (!host || !guest || !admin) return 0;
    try {
      await this.dataSource.transaction(async (em) => {
        await em.insert(
          ResearchSession,
          em.create(ResearchSession, {
            id: SEED_SESSION_ID,
            kind: 'joint_research',
            title: '剑州中学·旺苍东城中学 高一数学联合教研：函数的概念（同课异构）',
            subject: '数学',
            hostOrganizationId: host.id,
            partnershipId: null,
            startsAt: new Date('2027-03-18T09:00:00+08:00'),
            endsAt: new Date('2027-03-18T11:30:00+08:00'),
            venue: '剑州中学录播教室（同步线上直播）',
            online: true,
            agenda: [
              { title: '剑州中学授课：函数的概念', minutes: 40, ...(teacher ? { presenterUserId: teacher.id } : {}) },
              { title: '旺苍东城中学授课：函数的概念', minutes: 40 },
              { title: '两校教师评课与研讨', minutes: 60 },
            ],
            currentAgendaIndex: -1,
            trainingLevel: 'county',
            creditHours: 3,
            creditRule: 'threshold',
            minAttendancePercent: 75,
            status: 'scheduled',
            createdByUserId: admin.id,
            sequence: 0,
          }),
        );
        await em.insert(ResearchSessionInvitation, em.create(ResearchSessionInvitation, { id: SEED_INVITATION_ID, sessionId: SEED_SESSION_ID, organizationId: guest.id, userId: null, role: 'participant' }));
      });
      return 1;
    } catch (err) {
      // Another instance seeded it first.
      if (isUniqueViolation(err)) return 0;
      throw err;
    }
  }
}
