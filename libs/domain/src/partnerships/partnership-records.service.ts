import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DomainException, Page, PageQuery, Principal, shanghaiDate, toPage, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Partnership } from './partnership.entity';
import { PartnershipTerm } from './partnership-term.entity';
import { PartnershipObligation } from './partnership-obligation.entity';
import { PartnershipVisit } from './partnership-visit.entity';
import { TeamMember } from './team-member.entity';
import { FundDisbursement } from './fund-disbursement.entity';
import { Commendation } from './commendation.entity';
import { fundSummary, spansOverlap, yuanToCents } from './partnership-rules';
import { PartnershipAccess, PartnershipContext } from './partnership-access.service';
import { PartnershipProgressService } from './partnership-progress.service';
import { lockPartnership } from './transaction';
import { toCommendationView, toDisbursementView, toTeamMemberView, toVisitView } from './partnership-views';
import {
  CommendationList,
  CommendationView,
  CreateCommendationDto,
  CreateDisbursementDto,
  CreateObligationDto,
  CreateTeamMemberDto,
  CreateTermDto,
  CreateVisitDto,
  DisbursementView,
  FundDetailView,
  ObligationProgressView,
  ObligationView,
  TeamList,
  TeamMemberView,
  TermList,
  TermView,
  UpdateObligationDto,
  UpdateTeamMemberDto,
  VisitView,
} from './partnerships.dto';

/**
 * The records kept inside a partnership: the dispatched team, the special fund and its disbursements,
 * commendations, terms with their obligations, and on-site visits. Managers (city, county of a member school)
 * write; the parties read; mentors also log visits.
 */
@Injectable()
export class PartnershipRecordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PartnershipTerm) private readonly terms: Repository<PartnershipTerm>,
    @InjectRepository(PartnershipObligation) private readonly obligations: Repository<PartnershipObligation>,
    @InjectRepository(PartnershipVisit) private readonly visits: Repository<PartnershipVisit>,
    @InjectRepository(TeamMember) private readonly team: Repository<TeamMember>,
    @InjectRepository(FundDisbursement) private readonly disbursements: Repository<FundDisbursement>,
    @InjectRepository(Commendation) private readonly commendations: Repository<Commendation>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly access: PartnershipAccess,
    private readonly progress: PartnershipProgressService,
  ) {}

  // ---- dispatched team ----

  async listTeam(principal: Principal, id: string): Promise<TeamList> {
    await this.access.readable(principal, id);
    const rows = await this.team.find({ where: { partnershipId: id }, relations: { homeOrganization: true }, order: { onSiteFrom: 'ASC', personName: 'ASC' } });
    return { items: rows.map(toTeamMemberView) };
  }

  async addTeamMember(principal: Principal, id: string, dto: CreateTeamMemberDto): Promise<TeamMemberView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    assertSpan(dto.onSiteFrom, dto.onSiteTo ?? null, '离校日期不能早于到校日期');
    const home = await this.organizations.findOne({ where: { id: dto.homeOrganizationId } });
    if (!home) throw new DomainException('ORGANIZATION_NOT_FOUND', '派出单位不存在');
    if (dto.userId && !(await this.users.exists({ where: { id: dto.userId } }))) throw new DomainException('USER_NOT_FOUND');
    const row = this.team.create({
      partnershipId: id,
      personName: dto.personName,
      userId: dto.userId ?? null,
      role: dto.role,
      subject: dto.subject || null,
      homeOrganizationId: home.id,
      onSiteFrom: dto.onSiteFrom,
      onSiteTo: dto.onSiteTo ?? null,
    });
    await this.team.insert(row);
    return toTeamMemberView({ ...row, homeOrganization: home } as TeamMember);
  }

  async updateTeamMember(principal: Principal, id: string, memberId: string, dto: UpdateTeamMemberDto): Promise<TeamMemberView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    const row = await this.requireTeamMember(id, memberId);
    const onSiteFrom = dto.onSiteFrom ?? row.onSiteFrom;
    const onSiteTo = dto.onSiteTo !== undefined ? dto.onSiteTo : row.onSiteTo;
    assertSpan(onSiteFrom, onSiteTo, '离校日期不能早于到校日期');
    const changes: Partial<TeamMember> = { onSiteFrom, onSiteTo };
    if (dto.role !== undefined) changes.role = dto.role;
    if (dto.subject !== undefined) changes.subject = dto.subject || null;
    await this.team.update({ id: memberId }, changes);
    return toTeamMemberView(await this.requireTeamMember(id, memberId));
  }

  async removeTeamMember(principal: Principal, id: string, memberId: string): Promise<void> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    await this.requireTeamMember(id, memberId);
    await this.team.delete({ id: memberId });
  }

  private async requireTeamMember(partnershipId: string, memberId: string): Promise<TeamMember> {
    const row = await this.team.findOne({ where: { id: memberId, partnershipId }, relations: { homeOrganization: true } });
    if (!row) throw new DomainException('PARTNERSHIP_TEAM_MEMBER_NOT_FOUND');
    return row;
  }

  // ---- special fund ----

  async getFund(principal: Principal, id: string): Promise<FundDetailView> {
    const ctx = await this.access.readable(principal, id);
    const rows = await this.disbursements.find({ where: { partnershipId: id }, order: { disbursedOn: 'DESC', createdAt: 'DESC' } });
    return { ...fundSummary(ctx.partnership.fundBudgetCents, ctx.partnership.fundDisbursedCents), disbursements: rows.map(toDisbursementView) };
  }

  /**
   * Records a disbursement. The budget check and the running total change in ONE conditional UPDATE, so of two
   * concurrent disbursements that each fit but together do not, exactly one succeeds (the row lock serializes them
   * on MySQL; SQLite runs one writer at a time). The disbursement row is written in the same transaction.
   */
  async disburse(principal: Principal, id: string, dto: CreateDisbursementDto): Promise<DisbursementView> {
    const ctx = await this.access.manageable(principal, id);
    if (ctx.partnership.status !== 'active') throw new DomainException('PARTNERSHIP_NOT_ACTIVE', '只有实施中的帮扶关系可以拨付专项资金');
    if (ctx.partnership.fundBudgetCents === null) throw new DomainException('FUND_NOT_SET');
    const cents = yuanToCents(dto.amount);
    const row = this.disbursements.create({ partnershipId: id, amountCents: cents, purpose: dto.purpose, disbursedOn: dto.disbursedOn, recordedById: principal.userId });
    // A refusal returns from the transaction instead of throwing in it: on SQLite the one connection is shared, and a
    // rollback there would also undo whatever another request wrote in the meantime.
    const refusal = await this.dataSource.transaction(async (m): Promise<DomainException | null> => {
      const result = await m
        .createQueryBuilder()
        .update(Partnership)
        .set({ fundDisbursedCents: () => 'fundDisbursedCents + :cents' })
        .where('id = :id', { id })
        .andWhere("status = 'active'")
        .andWhere('fundBudgetCents IS NOT NULL')
        .andWhere('fundDisbursedCents + :cents <= fundBudgetCents')
        .setParameter('cents', cents)
        .execute();
      if (!result.affected) {
        const now = await m.findOneOrFail(Partnership, { where: { id } });
        if (now.status !== 'active') return new DomainException('PARTNERSHIP_NOT_ACTIVE');
        if (now.fundBudgetCents === null) return new DomainException('FUND_NOT_SET');
        const summary = fundSummary(now.fundBudgetCents, now.fundDisbursedCents);
        return new DomainException('FUND_BUDGET_EXCEEDED', `拨付金额超过专项资金剩余额度（剩余 ${summary.remaining} 元）`, { requested: dto.amount, ...summary });
      }
      await m.insert(FundDisbursement, row);
      return null;
    });
    if (refusal) throw refusal;
    return toDisbursementView(await this.disbursements.findOneOrFail({ where: { id: row.id } }));
  }

  // ---- commendations ----

  async listCommendations(principal: Principal, id: string): Promise<CommendationList> {
    await this.access.readable(principal, id);
    const rows = await this.commendations.find({ where: { partnershipId: id }, order: { awardedOn: 'DESC', createdAt: 'DESC' } });
    return { items: rows.map(toCommendationView) };
  }

  async commend(principal: Principal, id: string, dto: CreateCommendationDto): Promise<CommendationView> {
    const ctx = await this.access.manageable(principal, id);
    if (ctx.partnership.status === 'proposed') throw new DomainException('PARTNERSHIP_NOT_ACTIVE', '尚未实施的帮扶关系不能表彰');
    const invalid = (message: string) => new DomainException('PARTNERSHIP_COMMENDATION_INVALID', message);
    let recipientName: string;
    let organizationId: string | null = null;
    let teamMemberId: string | null = null;
    switch (dto.recipientKind) {
      case 'school': {
        const party = ctx.parties.find((p) => p.organizationId === dto.organizationId && p.organization?.kind === 'school');
        if (!dto.organizationId || !party) throw invalid('受表彰学校须为该帮扶关系中的学校');
        organizationId = party.organizationId;
        recipientName = party.organization!.name;
        break;
      }
      case 'team': {
        if (!(await this.team.exists({ where: { partnershipId: id } }))) throw invalid('该帮扶关系没有派驻团队');
        const mentors = ctx.parties.filter((p) => p.side === 'mentor').map((p) => p.organization?.name ?? '');
        recipientName = dto.personName ?? `${mentors.join('、')}派驻帮扶团队`;
        break;
      }
      case 'person': {
        if (dto.teamMemberId) {
          const member = await this.team.findOne({ where: { id: dto.teamMemberId, partnershipId: id } });
          if (!member) throw invalid('受表彰人员须为该帮扶关系的派驻人员');
          teamMemberId = member.id;
          recipientName = member.personName;
        } else if (dto.personName) {
          recipientName = dto.personName;
        } else {
          throw invalid('请指定受表彰的派驻人员或填写姓名');
        }
        break;
      }
    }
    const row = this.commendations.create({
      partnershipId: id,
      recipientKind: dto.recipientKind,
      organizationId,
      teamMemberId,
      recipientName: recipientName.slice(0, 100),
      title: dto.title,
      reason: dto.reason,
      awardedOn: dto.awardedOn,
      grantedById: principal.userId,
    });
    await this.commendations.insert(row);
    return toCommendationView(row);
  }

  // ---- terms and obligations ----

  async listTerms(principal: Principal, id: string): Promise<TermList> {
    await this.access.readable(principal, id);
    const rows = await this.terms.find({ where: { partnershipId: id }, order: { startDate: 'ASC' } });
    const views = await this.progress.termViews(rows);
    return { items: rows.map((t) => views.get(t.id)!) };
  }

  /** A term inside the agreement period, not overlapping another, with its obligations (one per kind). */
  async createTerm(principal: Principal, id: string, dto: CreateTermDto): Promise<TermView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    assertSpan(dto.startDate, dto.endDate, '学期的开始日期不能晚于结束日期');
    this.assertInsidePeriod(ctx, dto.startDate, dto.endDate);
    const kinds = (dto.obligations ?? []).map((o) => o.kind);
    if (new Set(kinds).size !== kinds.length) throw new DomainException('PARTNERSHIP_OBLIGATION_EXISTS', '同一学期每类帮扶任务只能设定一项');
    return this.persistTerm(id, dto);
  }

  /** Shared with the seeder. */
  async persistTerm(id: string, dto: CreateTermDto): Promise<TermView> {
    const term = this.terms.create({ partnershipId: id, label: dto.label, startDate: dto.startDate, endDate: dto.endDate });
    try {
      await this.dataSource.transaction(async (m) => {
        await lockPartnership(m, id);
        const existing = await m.find(PartnershipTerm, { where: { partnershipId: id } });
        const clash = existing.find((t) => t.label === dto.label || spansOverlap(t, dto));
        if (clash) throw new DomainException('PARTNERSHIP_TERM_OVERLAP', undefined, { term: clash.label, startDate: clash.startDate, endDate: clash.endDate });
        await m.insert(PartnershipTerm, term);
        const obligations = (dto.obligations ?? []).map((o) =>
          m.create(PartnershipObligation, { partnershipId: id, termId: term.id, kind: o.kind, target: o.target, note: o.note || null }),
        );
        if (obligations.length) await m.insert(PartnershipObligation, obligations);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('PARTNERSHIP_TERM_OVERLAP');
      throw err;
    }
    return (await this.progress.termViews([term])).get(term.id)!;
  }

  /** Progress of a term's obligations (the current term by default) and the partnership's health. */
  async obligationProgress(principal: Principal, id: string, termId?: string): Promise<ObligationProgressView> {
    const ctx = await this.access.readable(principal, id);
    if (termId) {
      const term = await this.terms.findOne({ where: { id: termId, partnershipId: id } });
      if (!term) throw new DomainException('PARTNERSHIP_TERM_NOT_FOUND');
      const view = (await this.progress.termViews([term])).get(term.id)!;
      // Health is always judged on the current term; a past term's view still shows its own counts.
      const current = (await this.progress.current([ctx.partnership])).get(id)!;
      return { term: view, health: current.health };
    }
    return (await this.progress.current([ctx.partnership])).get(id)!;
  }

  async addObligation(principal: Principal, id: string, dto: CreateObligationDto): Promise<ObligationView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    const term = await this.terms.findOne({ where: { id: dto.termId, partnershipId: id } });
    if (!term) throw new DomainException('PARTNERSHIP_TERM_NOT_FOUND');
    if (await this.obligations.exists({ where: { termId: term.id, kind: dto.kind } })) throw new DomainException('PARTNERSHIP_OBLIGATION_EXISTS');
    const row = this.obligations.create({ partnershipId: id, termId: term.id, kind: dto.kind, target: dto.target, note: dto.note || null });
    try {
      await this.obligations.insert(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('PARTNERSHIP_OBLIGATION_EXISTS');
      throw err;
    }
    return this.obligationView(term, row.id);
  }

  async updateObligation(principal: Principal, id: string, obligationId: string, dto: UpdateObligationDto): Promise<ObligationView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    const row = await this.requireObligation(id, obligationId);
    const changes: Partial<PartnershipObligation> = {};
    if (dto.target !== undefined) changes.target = dto.target;
    if (dto.note !== undefined) changes.note = dto.note || null;
    if (Object.keys(changes).length) await this.obligations.update({ id: obligationId }, changes);
    return this.obligationView(row.term!, obligationId);
  }

  async removeObligation(principal: Principal, id: string, obligationId: string): Promise<void> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    await this.requireObligation(id, obligationId);
    await this.obligations.delete({ id: obligationId });
  }

  private async requireObligation(partnershipId: string, obligationId: string): Promise<PartnershipObligation> {
    const row = await this.obligations.findOne({ where: { id: obligationId, partnershipId }, relations: { term: true } });
    if (!row) throw new DomainException('PARTNERSHIP_OBLIGATION_NOT_FOUND');
    return row;
  }

  private async obligationView(term: PartnershipTerm, obligationId: string): Promise<ObligationView> {
    const view = (await this.progress.termViews([term])).get(term.id)!;
    return view.obligations.find((o) => o.id === obligationId)!;
  }

  // ---- on-site visits ----

  async listVisits(principal: Principal, id: string, query: PageQuery): Promise<Page<VisitView>> {
    await this.access.readable(principal, id);
    const [rows, total] = await this.visits.findAndCount({
      where: { partnershipId: id },
      relations: { school: true },
      order: { visitDate: 'DESC', createdAt: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    return toPage(rows.map(toVisitView), total, query);
  }

  /** A visit to a member school of an active partnership, dated inside the agreement and not in the future. */
  async logVisit(principal: Principal, id: string, dto: CreateVisitDto): Promise<VisitView> {
    const ctx = await this.access.visitLoggable(principal, id);
    if (ctx.partnership.status !== 'active') throw new DomainException('PARTNERSHIP_NOT_ACTIVE', '只有实施中的帮扶关系可以登记到校指导');
    const school = ctx.parties.find((p) => p.side === 'member' && p.organizationId === dto.schoolId);
    if (!school) throw new DomainException('PARTNERSHIP_VISIT_INVALID', '到校指导的学校须为该帮扶关系的受援学校', { field: 'schoolId' });
    const today = shanghaiDate();
    if (dto.visitDate > today) throw new DomainException('PARTNERSHIP_VISIT_INVALID', '到校指导日期不能晚于今天', { field: 'visitDate', today });
    if (dto.visitDate < ctx.partnership.startDate || dto.visitDate > ctx.partnership.endDate) {
      throw new DomainException('PARTNERSHIP_VISIT_INVALID', '到校指导日期须在帮扶期限之内', { field: 'visitDate' });
    }
    const row = this.visits.create({
      partnershipId: id,
      schoolId: school.organizationId,
      visitDate: dto.visitDate,
      visitors: dto.visitors,
      purpose: dto.purpose,
      summary: dto.summary || null,
      loggedById: principal.userId,
    });
    await this.visits.insert(row);
    return toVisitView(await this.visits.findOneOrFail({ where: { id: row.id }, relations: { school: true } }));
  }

  private assertInsidePeriod(ctx: PartnershipContext, startDate: string, endDate: string): void {
    if (startDate < ctx.partnership.startDate || endDate > ctx.partnership.endDate) {
      throw new DomainException('PARTNERSHIP_DATE_RANGE_INVALID', '学期须在帮扶期限之内', {
        partnershipStartDate: ctx.partnership.startDate,
        partnershipEndDate: ctx.partnership.endDate,
      });
    }
  }
}

function assertSpan(from: string, to: string | null, message: string): void {
  if (to !== null && from > to) throw new DomainException('PARTNERSHIP_DATE_RANGE_INVALID', message, { from, to });
}
