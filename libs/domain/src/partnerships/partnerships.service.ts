import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { DomainException, Principal, toPage, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { GroupModel, Partnership, PARTNERSHIP_STATUSES, PartnershipKind, PartnershipStatus } from './partnership.entity';
import { PartnershipParty, PartySide } from './partnership-party.entity';
import { PartnershipTransition } from './partnership-transition.entity';
import { PartnershipTerm } from './partnership-term.entity';
import { TeamMember } from './team-member.entity';
import { Commendation } from './commendation.entity';
import { HEALTH_LABELS, KIND_LABELS, STATUS_LABELS } from './partnership-labels';
import {
  assertTransition,
  canLogVisit,
  canManagePartnership,
  fundSummary,
  HEALTH_STATUSES,
  HealthStatus,
  TRANSITIONS,
  yuanToCents,
} from './partnership-rules';
import { PartnershipAccess, PartnershipContext, toPartyView } from './partnership-access.service';
import { PartnershipProgressService, Progress } from './partnership-progress.service';
import { toCommendationView, toTeamMemberView } from './partnership-views';
import {
  CreatePartnershipDto,
  ListPartnershipsQuery,
  PartnershipDetailView,
  PartnershipHealthSummary,
  PartnershipPage,
  PartnershipView,
  TransitionDto,
  TransitionList,
  TransitionView,
  UpdatePartnershipDto,
} from './partnerships.dto';

/** Kinds of organization that can mentor; member schools must be Guangyuan schools. */
const MENTOR_ORG_KINDS = ['school', 'external_school', 'university'];

export interface PartyInput {
  side: PartySide;
  organizationId: string;
  userId: string | null;
}

interface ResolvedParties {
  parties: PartyInput[];
  mentorNames: string[];
  memberNames: string[];
  memberOrgs: Organization[];
}

/** Who the creation record names when the seed (no signed-in user) creates a partnership. */
export interface Actor {
  userId: string | null;
  name: string;
  role: string | null;
}

export function toTransitionView(t: PartnershipTransition): TransitionView {
  return { seq: t.seq, from: t.fromStatus, to: t.toStatus, reason: t.reason, actorId: t.actorId, actorName: t.actorName, actorRole: t.actorRole, at: t.at };
}

const invalidParties = (reason: string, details?: Record<string, unknown>) => new DomainException('PARTNERSHIP_PARTIES_INVALID', reason, details);

/**
 * Partnerships (托管帮扶): creation and editing by the city (and the county coordinator of a member school),
 * status transitions with their history, reading by the parties, and the health roll-up for the dashboards.
 */
@Injectable()
export class PartnershipsService {
  private readonly logger = new Logger(PartnershipsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Partnership) private readonly partnerships: Repository<Partnership>,
    @InjectRepository(PartnershipTransition) private readonly transitions: Repository<PartnershipTransition>,
    @InjectRepository(PartnershipTerm) private readonly terms: Repository<PartnershipTerm>,
    @InjectRepository(TeamMember) private readonly team: Repository<TeamMember>,
    @InjectRepository(Commendation) private readonly commendations: Repository<Commendation>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly access: PartnershipAccess,
    private readonly progress: PartnershipProgressService,
    private readonly notifications: NotificationsService,
  ) {}

  // ---- reading ----

  async list(principal: Principal, query: ListPartnershipsQuery): Promise<PartnershipPage> {
    const qb = this.partnerships.createQueryBuilder('p');
    this.restrictToVisible(qb, principal);
    this.applyFilters(qb, query);
    qb.orderBy('p.createdAt', 'DESC').addOrderBy('p.id', 'ASC').skip(query.offset).take(query.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(await this.views(rows), total, query);
  }

  async get(principal: Principal, id: string): Promise<PartnershipDetailView> {
    return this.detail(principal, await this.access.readable(principal, id));
  }

  async listTransitions(principal: Principal, id: string): Promise<TransitionList> {
    await this.access.readable(principal, id);
    const rows = await this.transitions.find({ where: { partnershipId: id }, order: { seq: 'ASC' } });
    return { items: rows.map(toTransitionView) };
  }

  /**
   * For the dashboards: status and health of the partnerships with a member school in `countyId`, or in which
   * `schoolId` takes part (either side); all partnerships without a filter. The caller applies its own access rule.
   */
  async healthSummary(filter: { countyId?: string; schoolId?: string } = {}): Promise<PartnershipHealthSummary> {
    const qb = this.partnerships.createQueryBuilder('p');
    this.applyFilters(qb, filter);
    qb.orderBy('p.name', 'ASC');
    const rows = await qb.getMany();
    const [parties, progress] = await Promise.all([this.access.partiesOf(rows.map((r) => r.id)), this.progress.current(rows)]);
    const byStatus = Object.fromEntries(PARTNERSHIP_STATUSES.map((s) => [s, 0])) as Record<PartnershipStatus, number>;
    const byHealth = Object.fromEntries(HEALTH_STATUSES.map((s) => [s, 0])) as Record<HealthStatus, number>;
    const items = rows.map((p) => {
      const health = progress.get(p.id)!.health.status;
      byStatus[p.status]++;
      byHealth[health]++;
      return {
        id: p.id,
        name: p.name,
        kind: p.kind,
        status: p.status,
        health,
        healthLabel: HEALTH_LABELS[health],
        memberSchools: (parties.get(p.id) ?? [])
          .filter((party) => party.side === 'member')
          .filter((party, i, all) => all.findIndex((x) => x.organizationId === party.organizationId) === i)
          .map((party) => ({ id: party.organizationId, name: party.organization?.name ?? '', countyId: party.organization?.countyId ?? null })),
      };
    });
    return { total: rows.length, byStatus, byHealth, items };
  }

  // ---- writing ----

  async create(principal: Principal, dto: CreatePartnershipDto): Promise<PartnershipDetailView> {
    if (principal.role !== 'city_admin') throw new DomainException('ACCESS_DENIED', '帮扶关系由市教育局建立');
    const actor = await this.actorOf(principal);
    const ctx = await this.createPartnership(dto, actor);
    return this.detail(principal, ctx);
  }

  /** Creation without an http caller (the seed uses it too); records the creation as the first transition. */
  async createPartnership(dto: CreatePartnershipDto, actor: Actor, status: PartnershipStatus = 'proposed'): Promise<PartnershipContext> {
    this.assertDates(dto.startDate, dto.endDate);
    const resolved = await this.resolveParties(dto.kind, dto);
    this.assertGroupModel(dto.kind, dto.groupModel ?? null, resolved.memberOrgs.length);
    const name = dto.name ?? (await this.defaultName(`${resolved.mentorNames.join('、')} → ${resolved.memberNames.join('、')}`, KIND_LABELS[dto.kind]));
    await this.assertNameFree(name);
    const budgetCents = dto.fundBudget === undefined ? null : yuanToCents(dto.fundBudget);

    const partnership = this.partnerships.create({
      name,
      kind: dto.kind,
      groupModel: dto.groupModel ?? null,
      status,
      startDate: dto.startDate,
      endDate: dto.endDate,
      goals: dto.goals ?? [],
      description: dto.description ?? null,
      fundBudgetCents: budgetCents,
      fundDisbursedCents: 0,
      createdById: actor.userId,
    });
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(Partnership, partnership);
        await m.insert(PartnershipParty, resolved.parties.map((p) => m.create(PartnershipParty, { ...p, partnershipId: partnership.id })));
        await m.insert(
          PartnershipTransition,
          m.create(PartnershipTransition, {
            partnershipId: partnership.id,
            seq: 1,
            fromStatus: null,
            toStatus: status,
            reason: '建立帮扶关系',
            actorId: actor.userId,
            actorName: actor.name,
            actorRole: actor.role,
            at: new Date(),
          }),
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('PARTNERSHIP_NAME_TAKEN', `帮扶关系“${name}”已存在`);
      throw err;
    }
    return this.access.load(partnership.id);
  }

  async update(principal: Principal, id: string, dto: UpdatePartnershipDto): Promise<PartnershipDetailView> {
    const ctx = await this.access.manageable(principal, id);
    this.access.assertNotConcluded(ctx);
    const p = ctx.partnership;

    const startDate = dto.startDate ?? p.startDate;
    const endDate = dto.endDate ?? p.endDate;
    if (dto.startDate !== undefined || dto.endDate !== undefined) {
      this.assertDates(startDate, endDate);
      const outside = (await this.terms.find({ where: { partnershipId: id } })).filter((t) => t.startDate < startDate || t.endDate > endDate);
      if (outside.length) {
        throw new DomainException('PARTNERSHIP_DATE_RANGE_INVALID', '帮扶期限须包含已设定的全部帮扶学期', { terms: outside.map((t) => t.label) });
      }
    }

    const partiesChanged =
      dto.mentorOrganizationIds !== undefined ||
      dto.memberOrganizationIds !== undefined ||
      dto.mentorTeacherUserId !== undefined ||
      dto.menteeTeacherUserIds !== undefined;
    let newParties: PartyInput[] | null = null;
    let memberCount = ctx.memberSchoolIds.length;
    if (partiesChanged) {
      const current = (side: PartySide, person: boolean) =>
        ctx.parties.filter((x) => x.side === side).map((x) => (person ? x.userId! : x.organizationId));
      const person = p.kind === 'teacher_pairing';
      const resolved = await this.resolveParties(p.kind, {
        mentorOrganizationIds: person ? dto.mentorOrganizationIds : (dto.mentorOrganizationIds ?? current('mentor', false)),
        memberOrganizationIds: person ? dto.memberOrganizationIds : (dto.memberOrganizationIds ?? current('member', false)),
        mentorTeacherUserId: person ? (dto.mentorTeacherUserId ?? current('mentor', true)[0]) : dto.mentorTeacherUserId,
        menteeTeacherUserIds: person ? (dto.menteeTeacherUserIds ?? current('member', true)) : dto.menteeTeacherUserIds,
      });
      if (principal.role === 'county_admin') {
        // A county coordinator may reshape the member side only within their own county.
        const before = new Set(ctx.memberSchoolIds);
        const after = new Set(resolved.memberOrgs.map((o) => o.id));
        const changed = [...before].filter((x) => !after.has(x)).concat([...after].filter((x) => !before.has(x)));
        const countyOf = new Map<string, string | null>(resolved.memberOrgs.map((o) => [o.id, o.countyId]));
        for (const party of ctx.parties) countyOf.set(party.organizationId, party.organization?.countyId ?? null);
        const foreign = changed.filter((orgId) => countyOf.get(orgId) !== principal.organizationId);
        if (foreign.length) throw new DomainException('OUT_OF_SCOPE', '只能调整本县区的受援学校', { organizationIds: foreign });
      }
      newParties = resolved.parties;
      memberCount = resolved.memberOrgs.length;
    }
    const groupModel = dto.groupModel !== undefined ? dto.groupModel : p.groupModel;
    if (dto.groupModel !== undefined || partiesChanged) this.assertGroupModel(p.kind, groupModel, memberCount);
    if (dto.name !== undefined && dto.name !== p.name) await this.assertNameFree(dto.name, id);

    const changes: Partial<Partnership> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.groupModel !== undefined) changes.groupModel = dto.groupModel;
    if (dto.startDate !== undefined) changes.startDate = dto.startDate;
    if (dto.endDate !== undefined) changes.endDate = dto.endDate;
    if (dto.goals !== undefined) changes.goals = dto.goals;
    if (dto.description !== undefined) changes.description = dto.description;

    try {
      await this.dataSource.transaction(async (m) => {
        if (dto.fundBudget !== undefined) await this.setBudget(m, id, dto.fundBudget === null ? null : yuanToCents(dto.fundBudget));
        // Plain column updates, never save(): the disbursed total may be changing concurrently.
        if (Object.keys(changes).length) await m.update(Partnership, { id }, changes);
        if (newParties) {
          await m.delete(PartnershipParty, { partnershipId: id });
          await m.insert(PartnershipParty, newParties.map((x) => m.create(PartnershipParty, { ...x, partnershipId: id })));
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainException('PARTNERSHIP_NAME_TAKEN');
      throw err;
    }
    return this.detail(principal, await this.access.load(id));
  }

  async transition(principal: Principal, id: string, dto: TransitionDto): Promise<PartnershipDetailView> {
    const ctx = await this.access.manageable(principal, id);
    const from = ctx.partnership.status;
    assertTransition(from, dto.to);
    const actor = await this.actorOf(principal);
    // A lost race returns from the transaction rather than throwing in it (see PartnershipRecordsService.disburse).
    const refusal = await this.dataSource.transaction(async (m): Promise<DomainException | null> => {
      // Conditional on the status read above: of two concurrent transitions from the same status, one wins.
      const result = await m.update(Partnership, { id, status: from }, { status: dto.to });
      if (!result.affected) {
        const now = await m.findOne(Partnership, { where: { id }, select: { id: true, status: true } });
        return new DomainException('PARTNERSHIP_TRANSITION_NOT_ALLOWED', '帮扶关系状态已被他人变更，请刷新后重试', {
          from: now?.status ?? null,
          to: dto.to,
          allowed: now ? TRANSITIONS[now.status] : [],
        });
      }
      // The conditional update holds the row lock, so the sequence below cannot be taken twice.
      const last = await m.findOne(PartnershipTransition, { where: { partnershipId: id }, order: { seq: 'DESC' }, select: { id: true, seq: true } });
      await m.insert(
        PartnershipTransition,
        m.create(PartnershipTransition, {
          partnershipId: id,
          seq: (last?.seq ?? 0) + 1,
          fromStatus: from,
          toStatus: dto.to,
          reason: dto.reason,
          actorId: actor.userId,
          actorName: actor.name,
          actorRole: actor.role,
          at: new Date(),
        }),
      );
      return null;
    });
    if (refusal) throw refusal;
    await this.notifyTransition(ctx, from, dto.to, dto.reason);
    return this.detail(principal, await this.access.load(id));
  }

  // ---- helpers ----

  /** Member schools' admins hear about every status change (after the change is committed). */
  private async notifyTransition(ctx: PartnershipContext, from: PartnershipStatus, to: PartnershipStatus, reason: string): Promise<void> {
    try {
      await this.notifications.notifyOrganizationRoles(ctx.memberSchoolIds, ['school_admin'], {
        type: 'partnership.status_changed',
        title: `帮扶关系“${ctx.partnership.name}”${STATUS_LABELS[from]} → ${STATUS_LABELS[to]}`,
        body: `原因：${reason}`,
        link: { kind: 'partnership', id: ctx.partnership.id },
      });
    } catch (err) {
      // The transition is committed; a lost notification must not turn it into an error for the caller.
      this.logger.error({ err, partnershipId: ctx.partnership.id }, 'transition notification failed');
    }
  }

  /** Sets or clears the budget unless that would put it below what is already disbursed (checked in the update). */
  private async setBudget(m: EntityManager, id: string, cents: number | null): Promise<void> {
    const qb = m.createQueryBuilder().update(Partnership).set({ fundBudgetCents: cents }).where('id = :id', { id });
    if (cents === null) qb.andWhere('fundDisbursedCents = 0');
    else qb.andWhere('fundDisbursedCents <= :cents', { cents });
    const result = await qb.execute();
    if (!result.affected) throw new DomainException('FUND_BUDGET_BELOW_DISBURSED');
  }

  async detail(principal: Principal, ctx: PartnershipContext): Promise<PartnershipDetailView> {
    const id = ctx.partnership.id;
    const [transitions, progress, team, commendations] = await Promise.all([
      this.transitions.find({ where: { partnershipId: id }, order: { seq: 'ASC' } }),
      this.progress.current([ctx.partnership]),
      this.team.find({ where: { partnershipId: id }, relations: { homeOrganization: true }, order: { onSiteFrom: 'ASC', personName: 'ASC' } }),
      this.commendations.find({ where: { partnershipId: id }, order: { awardedOn: 'DESC', createdAt: 'DESC' } }),
    ]);
    const p = progress.get(id)!;
    return {
      ...this.view(ctx.partnership, ctx.parties, p),
      transitions: transitions.map(toTransitionView),
      allowedTransitions: [...TRANSITIONS[ctx.partnership.status]],
      currentTerm: p.term,
      team: team.map(toTeamMemberView),
      commendations: commendations.map(toCommendationView),
      permissions: {
        manage: canManagePartnership(principal, ctx.memberCountyIds),
        logVisits: canLogVisit(principal, ctx.parties, ctx.memberCountyIds),
      },
    };
  }

  private async views(rows: Partnership[]): Promise<PartnershipView[]> {
    const [parties, progress] = await Promise.all([this.access.partiesOf(rows.map((r) => r.id)), this.progress.current(rows)]);
    return rows.map((r) => this.view(r, parties.get(r.id) ?? [], progress.get(r.id)!));
  }

  private view(p: Partnership, parties: PartnershipParty[], progress: Progress): PartnershipView {
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      kindLabel: KIND_LABELS[p.kind],
      groupModel: p.groupModel,
      status: p.status,
      statusLabel: STATUS_LABELS[p.status],
      startDate: p.startDate,
      endDate: p.endDate,
      goals: p.goals ?? [],
      description: p.description,
      mentorSide: parties.filter((x) => x.side === 'mentor').map(toPartyView),
      memberSide: parties.filter((x) => x.side === 'member').map(toPartyView),
      fund: fundSummary(p.fundBudgetCents, p.fundDisbursedCents),
      health: progress.health,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  /** Lists only what the principal may read (the same rule as canReadPartnership, in SQL). */
  private restrictToVisible(qb: SelectQueryBuilder<Partnership>, principal: Principal): void {
    switch (principal.role) {
      case 'city_admin':
        return;
      case 'county_admin':
        qb.andWhere(
          'EXISTS (SELECT 1 FROM partnership_parties vp INNER JOIN organizations vo ON vo.id = vp.organizationId ' +
            "WHERE vp.partnershipId = p.id AND vp.side = 'member' AND vo.countyId = :scopeCounty)",
          { scopeCounty: principal.organizationId },
        );
        return;
      case 'school_admin':
      case 'teacher':
        qb.andWhere('EXISTS (SELECT 1 FROM partnership_parties vp WHERE vp.partnershipId = p.id AND vp.organizationId = :scopeOrg)', {
          scopeOrg: principal.organizationId,
        });
        return;
      case 'mentor':
        qb.andWhere(
          "EXISTS (SELECT 1 FROM partnership_parties vp WHERE vp.partnershipId = p.id AND vp.side = 'mentor' AND " +
            '((vp.userId IS NULL AND vp.organizationId = :scopeOrg) OR vp.userId = :scopeUser))',
          { scopeOrg: principal.organizationId, scopeUser: principal.userId },
        );
        return;
      default:
        qb.andWhere('1 = 0');
    }
  }

  private applyFilters(qb: SelectQueryBuilder<Partnership>, f: { kind?: PartnershipKind; status?: PartnershipStatus; countyId?: string; schoolId?: string }): void {
    if (f.kind) qb.andWhere('p.kind = :kind', { kind: f.kind });
    if (f.status) qb.andWhere('p.status = :status', { status: f.status });
    if (f.countyId) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM partnership_parties fp INNER JOIN organizations fo ON fo.id = fp.organizationId ' +
          "WHERE fp.partnershipId = p.id AND fp.side = 'member' AND fo.countyId = :filterCounty)",
        { filterCounty: f.countyId },
      );
    }
    if (f.schoolId) {
      qb.andWhere('EXISTS (SELECT 1 FROM partnership_parties sp WHERE sp.partnershipId = p.id AND sp.organizationId = :filterSchool)', {
        filterSchool: f.schoolId,
      });
    }
  }

  private assertDates(startDate: string, endDate: string): void {
    if (startDate > endDate) throw new DomainException('PARTNERSHIP_DATE_RANGE_INVALID', '帮扶期限的开始日期不能晚于结束日期', { startDate, endDate });
  }

  /** Education groups name their model; other kinds have none. "若干" means two or more members, "+薄弱学校" one. */
  private assertGroupModel(kind: PartnershipKind, groupModel: GroupModel | null, memberCount: number): void {
    if (kind !== 'education_group') {
      if (groupModel) throw new DomainException('PARTNERSHIP_GROUP_MODEL_INVALID', '只有集团化办学需要选择办学模式');
      return;
    }
    if (!groupModel) throw new DomainException('PARTNERSHIP_GROUP_MODEL_INVALID', '集团化办学须选择办学模式');
    if (groupModel === 'quality_several_weak' && memberCount < 2) {
      throw new DomainException('PARTNERSHIP_GROUP_MODEL_INVALID', '“优质学校+若干薄弱学校”须有两所以上成员学校');
    }
    if (groupModel === 'quality_weak' && memberCount !== 1) {
      throw new DomainException('PARTNERSHIP_GROUP_MODEL_INVALID', '“优质学校+薄弱学校”须恰有一所成员学校');
    }
  }

  /**
   * Turns the sides of a request into party rows. Organization kinds: mentor organizations (a school, an outside
   * school or a university; exactly one lead school for an education group) and member schools. Teacher pairing:
   * one mentor teacher and their mentee teachers (teachers of schools). Nobody on both sides, nobody twice.
   */
  private async resolveParties(
    kind: PartnershipKind,
    dto: Pick<CreatePartnershipDto, 'mentorOrganizationIds' | 'memberOrganizationIds' | 'mentorTeacherUserId' | 'menteeTeacherUserIds'>,
  ): Promise<ResolvedParties> {
    if (kind === 'teacher_pairing') {
      if (dto.mentorOrganizationIds?.length || dto.memberOrganizationIds?.length) {
        throw invalidParties('青蓝工程的双方是教师：请填写 mentorTeacherUserId 和 menteeTeacherUserIds');
      }
      if (!dto.mentorTeacherUserId || !dto.menteeTeacherUserIds?.length) throw invalidParties('青蓝工程须指定一名导师和至少一名青年教师');
      const ids = [dto.mentorTeacherUserId, ...dto.menteeTeacherUserIds];
      if (new Set(ids).size !== ids.length) throw invalidParties('同一位教师不能重复出现，也不能既是导师又是青年教师');
      const users = await this.users.find({ where: { id: In(ids) }, relations: { organization: true } });
      const missing = ids.filter((id) => !users.some((u) => u.id === id));
      if (missing.length) throw new DomainException('USER_NOT_FOUND', undefined, { userIds: missing });
      const byId = new Map(users.map((u) => [u.id, u]));
      const mentor = byId.get(dto.mentorTeacherUserId)!;
      if (!['teacher', 'mentor'].includes(mentor.role) || !mentor.active) throw invalidParties('导师须为在职的教师或帮扶专家账号');
      const mentees = dto.menteeTeacherUserIds.map((id) => byId.get(id)!);
      const wrong = mentees.filter((u) => u.role !== 'teacher' || !u.active || u.organization?.kind !== 'school');
      if (wrong.length) throw invalidParties('青年教师须为学校在职教师账号', { userIds: wrong.map((u) => u.id) });
      const memberOrgs = [...new Map(mentees.map((u) => [u.organizationId, u.organization!])).values()];
      return {
        parties: [
          { side: 'mentor', organizationId: mentor.organizationId, userId: mentor.id },
          ...mentees.map((u) => ({ side: 'member' as const, organizationId: u.organizationId, userId: u.id })),
        ],
        mentorNames: [`${mentor.organization?.name ?? ''}${mentor.name}`],
        memberNames: mentees.map((u) => `${u.organization?.name ?? ''}${u.name}`),
        memberOrgs,
      };
    }

    if (dto.mentorTeacherUserId || dto.menteeTeacherUserIds?.length) throw invalidParties('只有青蓝工程按教师结对；请填写帮扶单位和受援学校');
    const mentorIds = dto.mentorOrganizationIds ?? [];
    const memberIds = dto.memberOrganizationIds ?? [];
    if (!mentorIds.length || !memberIds.length) throw invalidParties('须指定帮扶方单位和至少一所受援学校');
    if (kind === 'education_group' && mentorIds.length !== 1) throw invalidParties('集团化办学须有且只有一所牵头学校');
    const all = [...mentorIds, ...memberIds];
    if (new Set(all).size !== all.length) throw invalidParties('同一单位不能重复出现，也不能同时在帮扶方和受援方');
    const orgs = await this.organizations.find({ where: { id: In(all) } });
    const missing = all.filter((id) => !orgs.some((o) => o.id === id));
    if (missing.length) throw new DomainException('ORGANIZATION_NOT_FOUND', undefined, { organizationIds: missing });
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const mentors = mentorIds.map((id) => byId.get(id)!);
    const members = memberIds.map((id) => byId.get(id)!);
    const badMentors = mentors.filter((o) => !MENTOR_ORG_KINDS.includes(o.kind));
    if (badMentors.length) throw invalidParties('帮扶方须为学校、市外学校或高校', { organizationIds: badMentors.map((o) => o.id) });
    if (kind === 'education_group' && mentors[0].kind !== 'school') throw invalidParties('集团化办学的牵头学校须为本市学校');
    const badMembers = members.filter((o) => o.kind !== 'school');
    if (badMembers.length) throw invalidParties('受援方须为本市学校', { organizationIds: badMembers.map((o) => o.id) });
    return {
      parties: [
        ...mentors.map((o) => ({ side: 'mentor' as const, organizationId: o.id, userId: null })),
        ...members.map((o) => ({ side: 'member' as const, organizationId: o.id, userId: null })),
      ],
      mentorNames: mentors.map((o) => o.name),
      memberNames: members.map((o) => o.name),
      memberOrgs: members,
    };
  }

  /** "<mentor side> → <member side>（<kind>）", numbered（2）,（3）… when that name is taken (a name given explicitly never is). */
  private async defaultName(sides: string, kindLabel: string): Promise<string> {
    const base = sides.length > 180 ? `${sides.slice(0, 179)}…` : sides;
    for (let n = 1; n < 100; n++) {
      const name = n === 1 ? `${base}（${kindLabel}）` : `${base}（${kindLabel}${n}）`;
      if (!(await this.partnerships.exists({ where: { name } }))) return name;
    }
    return `${base}（${kindLabel}${Date.now()}）`;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const clash = await this.partnerships.findOne({ where: { name }, select: { id: true } });
    if (clash && clash.id !== exceptId) throw new DomainException('PARTNERSHIP_NAME_TAKEN', `帮扶关系“${name}”已存在`);
  }

  private async actorOf(principal: Principal): Promise<Actor> {
    const user = await this.users.findOne({ where: { id: principal.userId }, select: { id: true, name: true } });
    return { userId: principal.userId, name: user?.name ?? principal.username, role: principal.role };
  }
}
