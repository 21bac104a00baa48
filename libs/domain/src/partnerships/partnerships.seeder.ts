import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { addDays, newId, shanghaiDate, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Partnership } from './partnership.entity';
import { PartnershipParty } from './partnership-party.entity';
import { PartnershipTransition } from './partnership-transition.entity';
import { PartnershipTerm } from './partnership-term.entity';
import { PartnershipObligation } from './partnership-obligation.entity';
import { PartnershipVisit } from './partnership-visit.entity';
import { TeamMember } from './team-member.entity';
import { FundDisbursement } from './fund-disbursement.entity';
import { schoolTermOf, yuanToCents } from './partnership-rules';
import { SEED_MIN_END_DATE, SEED_OBLIGATIONS, SEED_PARTNERSHIPS, SeedPartnership } from './partnerships.seed-data';

/** 09:00 in Guangyuan on a day, for history records dated to the agreement. */
const morningOf = (date: string) => new Date(`${date}T09:00:00+08:00`);

/**
 * Seeds the three partnerships of the policy, active, with the school term covering today, its typical
 * obligations, the dispatched team, the fund with a first disbursement and (for one) a logged visit.
 * Idempotent by partnership name: a partnership that exists is left as it is (edits made in the app survive);
 * each one is written in one transaction, so a crash never leaves half of one behind.
 */
@Injectable()
export class PartnershipsSeeder {
  private readonly logger = new Logger(PartnershipsSeeder.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns the number of records created. Needs the organizations and demo accounts to exist. */
  async run(today = shanghaiDate()): Promise<number> {
    let created = 0;
    for (const seed of SEED_PARTNERSHIPS) created += await this.ensure(seed, today);
    return created;
  }

  private async ensure(seed: SeedPartnership, today: string): Promise<number> {
    const repo = this.dataSource.getRepository(Partnership);
    if (await repo.exists({ where: { name: seed.name } })) return 0;

    const orgs = await this.dataSource.getRepository(Organization).find({ where: { name: In([seed.mentor, seed.member]) } });
    const mentor = orgs.find((o) => o.name === seed.mentor);
    const member = orgs.find((o) => o.name === seed.member);
    if (!mentor || !member) throw new Error(`Seed: partnership ${seed.name} names an unknown organization`);
    const usernames = ['city.admin', ...seed.team.flatMap((t) => (t.username ? [t.username] : [])), ...(seed.visitBy ? [seed.visitBy.username] : [])];
    const users = await this.dataSource.getRepository(User).find({ where: { username: In(usernames) } });
    const userId = (username: string) => users.find((u) => u.username === username)?.id ?? null;
    const admin = users.find((u) => u.username === 'city.admin');

    const term = schoolTermOf(today);
    const schoolYearEnd = `${term.endDate.slice(0, 4)}-08-31`;
    const endDate = schoolYearEnd > SEED_MIN_END_DATE ? schoolYearEnd : SEED_MIN_END_DATE;

    return this.dataSource.transaction(async (m) => {
      const rows: unknown[] = [];
      const p = m.create(Partnership, {
        id: newId(),
        name: seed.name,
        kind: seed.kind,
        groupModel: null,
        status: 'active',
        startDate: seed.startDate,
        endDate,
        goals: seed.goals,
        description: seed.description,
        fundBudgetCents: yuanToCents(seed.fundBudgetYuan),
        fundDisbursedCents: seed.disbursements.reduce((sum, d) => sum + yuanToCents(d.amountYuan), 0),
        createdById: admin?.id ?? null,
      });
      try {
        await m.insert(Partnership, p);
      } catch (err) {
        // Another instance seeding at the same moment created it first.
        if (isUniqueViolation(err)) return 0;
        throw err;
      }
      rows.push(p);
      const parties = [
        m.create(PartnershipParty, { partnershipId: p.id, side: 'mentor', organizationId: mentor.id, userId: null }),
        m.create(PartnershipParty, { partnershipId: p.id, side: 'member', organizationId: member.id, userId: null }),
      ];
      const actor = { actorId: admin?.id ?? null, actorName: admin?.name ?? '市教育局', actorRole: 'city_admin' };
      const transitions = [
        m.create(PartnershipTransition, { partnershipId: p.id, seq: 1, fromStatus: null, toStatus: 'proposed', reason: '建立帮扶关系', ...actor, at: morningOf(addDays(seed.startDate, -14)) }),
        m.create(PartnershipTransition, {
          partnershipId: p.id,
          seq: 2,
          fromStatus: 'proposed',
          toStatus: 'active',
          reason: '按全市县中发展提升行动计划实施方案启动帮扶',
          ...actor,
          at: morningOf(seed.startDate),
        }),
      ];
      const termRow = m.create(PartnershipTerm, { id: newId(), partnershipId: p.id, label: term.label, startDate: term.startDate, endDate: term.endDate });
      const obligations = SEED_OBLIGATIONS.map((o) => m.create(PartnershipObligation, { partnershipId: p.id, termId: termRow.id, ...o }));
      const team = seed.team.map((t) =>
        m.create(TeamMember, {
          partnershipId: p.id,
          personName: t.personName,
          userId: t.username ? userId(t.username) : null,
          role: t.role,
          subject: t.subject,
          homeOrganizationId: mentor.id,
          onSiteFrom: seed.startDate,
          onSiteTo: null,
        }),
      );
      const disbursements = seed.disbursements.map((d) =>
        m.create(FundDisbursement, { partnershipId: p.id, amountCents: yuanToCents(d.amountYuan), purpose: d.purpose, disbursedOn: d.disbursedOn, recordedById: admin?.id ?? null }),
      );
      await m.insert(PartnershipParty, parties);
      await m.insert(PartnershipTransition, transitions);
      await m.insert(PartnershipTerm, termRow);
      await m.insert(PartnershipObligation, obligations);
      if (team.length) await m.insert(TeamMember, team);
      if (disbursements.length) await m.insert(FundDisbursement, disbursements);
      rows.push(...parties, ...transitions, termRow, ...obligations, ...team, ...disbursements);
      if (seed.visitBy) {
        const visitDate = [today, addDays(term.startDate, 20)].sort()[0];
        const visit = m.create(PartnershipVisit, {
          partnershipId: p.id,
          schoolId: member.id,
          visitDate,
          visitors: seed.visitBy.visitors,
          purpose: seed.visitBy.purpose,
          summary: seed.visitBy.summary,
          loggedById: userId(seed.visitBy.username),
        });
        await m.insert(PartnershipVisit, visit);
        rows.push(visit);
      }
      this.logger.log(`Seed: partnership ${seed.name}`);
      return rows.length;
    });
  }
}
