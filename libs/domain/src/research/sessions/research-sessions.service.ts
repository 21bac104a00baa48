import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In, Repository } from 'typeorm';
import { DomainException, isUniqueViolation, PLATFORM_TIME_ZONE, Principal } from '@app/platform';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { Partnership } from '../../partnerships/partnership.entity';
import { PartnershipParty } from '../../partnerships/partnership-party.entity';
import { isMentorParty } from '../../partnerships/partnership-rules';
import { NotificationsService } from '../../notifications/notifications.service';
import { Resource } from '../../resources/resource.entity';
import { ResourceAccessService } from '../../resources/resource-access.service';
import { AttendanceService, AttendanceSummaryView } from '../training/attendance.service';
import { LiveRooms } from '../live/live-rooms';
import { AgendaItem, ResearchSession } from './research-session.entity';
import { InvitationRole, ResearchSessionInvitation, ResearchSessionResource, ResearchSessionRsvp, RsvpResponse } from './research-session-links.entity';
import {
  agendaPresenterIds,
  autoEndedAt,
  Clash,
  isAutoEndStale,
  mayBeOnRollCall,
  resolveRollCall,
  RollCallEntry,
  rollCallWindow,
  findClashes,
  KIND_LABELS,
  listWindow,
  liveRoomOpen,
  mayHost,
  mayJoin,
  mayModerate,
  presenterIds,
  SessionAccessFacts,
  shanghaiDateTime,
} from './research-session-rules';
import {
  CreateResearchSessionDto,
  InvitationView,
  InvitedUserDto,
  ListSessionsQuery,
  ResearchSessionListView,
  ResearchSessionSummaryView,
  ResearchSessionView,
  UpdateResearchSessionDto,
} from './research-sessions.dto';
import { SessionInvitees } from './session-invitees.service';
import { SessionReminders } from './session-reminders.service';

/** Most sessions one list call returns; a calendar month of a county is far below. */
const LIST_LIMIT = 500;
/** Sessions overlapping a candidate that the clash check reads (a city-wide half day). */
const CLASH_SCAN_LIMIT = 500;

interface Loaded {
  session: ResearchSession;
  invitations: ResearchSessionInvitation[];
  facts: SessionAccessFacts;
}

/**
 * Research sessions (联合教研、送培、示范课、同课异构): scheduling with clash flags, invitations (a partnership's member
 * schools by default), RSVPs, reminders, cancel and end; the access rule REST reads and the live room share.
 */
@Injectable()
export class ResearchSessionsService {
  private readonly logger = new Logger(ResearchSessionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ResearchSession) private readonly sessions: Repository<ResearchSession>,
    @InjectRepository(ResearchSessionInvitation) private readonly invitations: Repository<ResearchSessionInvitation>,
    @InjectRepository(ResearchSessionRsvp) private readonly rsvps: Repository<ResearchSessionRsvp>,
    @InjectRepository(ResearchSessionResource) private readonly links: Repository<ResearchSessionResource>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Partnership) private readonly partnerships: Repository<Partnership>,
    @InjectRepository(PartnershipParty) private readonly parties: Repository<PartnershipParty>,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    private readonly resourceAccess: ResourceAccessService,
    private readonly notifications: NotificationsService,
    private readonly reminders: SessionReminders,
    private readonly invitees: SessionInvitees,
    private readonly attendance: AttendanceService,
    private readonly live: LiveRooms,
  ) {}

  // ---- access (shared with the live room) ----

  /**
   * The live room's gate: 404 unknown, 403 LIVE_NOT_INVITED for someone who may not join, then 409 when the session
   * is cancelled or ended, or scheduled and more than 30 minutes from its start (liveRoomOpen). Two indexed reads (the session, its invitations) plus one for county or mentor checks.
   */
  async getForLive(principal: Principal, sessionId: string): Promise<{ session: ResearchSession; canModerate: boolean }> {
    const { session, facts } = await this.load(principal, sessionId);
    if (!mayJoin(principal, facts)) throw new DomainException('LIVE_NOT_INVITED');
    if (session.status === 'cancelled') throw new DomainException('RESEARCH_SESSION_CANCELLED');
    if (session.status === 'ended') throw new DomainException('RESEARCH_SESSION_ENDED');
    if (!liveRoomOpen(session)) throw new DomainException('LIVE_NOT_OPEN_YET');
    return { session, canModerate: mayModerate(principal, facts) };
  }

  /** A session the principal may read; someone outside it gets 404, so ids cannot be probed. */
  async assertCanRead(principal: Principal, sessionId: string): Promise<ResearchSession> {
    return (await this.readable(principal, sessionId)).session;
  }

  /** scheduled -> live on the first live join; a no-op otherwise. */
  async markLive(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, status: 'scheduled' }, { status: 'live' });
  }

  async advanceAgenda(principal: Principal, sessionId: string, index: number): Promise<ResearchSession> {
    const { session } = await this.moderatable(principal, sessionId);
    this.assertOpen(session);
    if (!Number.isInteger(index) || index < -1 || index >= session.agenda.length) throw new DomainException('RESEARCH_SESSION_AGENDA_INVALID');
    await this.sessions.update({ id: session.id }, { currentAgendaIndex: index });
    session.currentAgendaIndex = index;
    return session;
  }

  /**
   * Ends the session (moderators; idempotent): status ended + endedAt, attendance finalised (training hours
   * credited), `session:ended` to the live room, its pending jobs (reminders, automatic end) dropped.
   */
  async end(principal: Principal, sessionId: string): Promise<ResearchSession> {
    const { session } = await this.moderatable(principal, sessionId);
    if (session.status === 'cancelled') throw new DomainException('RESEARCH_SESSION_CANCELLED');
    if (session.status !== 'ended') await this.closeAsEnded(session, new Date(), 'ended');
    // finalise is idempotent; calling it again repairs a run cut short by a crash.
    await this.attendance.finalise(session.id);
    return this.sessions.findOneByOrFail({ id: session.id });
  }

  /**
   * The automatic end (job research.session-auto-end): the same effects as end() for a session still scheduled or
   * live whose scheduled end the job was planned for, with endedAt = the scheduled end (autoEndedAt explains why)
   * and reason 'auto'. A session nobody joined ends too (finalise then credits nobody). False for a stale job.
   */
  async autoEnd(sessionId: string, plannedEndsAt: string): Promise<boolean> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (isAutoEndStale(session, plannedEndsAt)) return false;
    // The running job is this one: removing it would fail (CONFLICT) and is pointless.
    const ended = await this.closeAsEnded(session!, autoEndedAt(session!.endsAt), 'auto', { dropAutoEnd: false });
    // Also when another end won the race: finalise is idempotent, and a retried job repairs a crashed run.
    await this.attendance.finalise(session!.id);
    if (ended) this.logger.log({ sessionId }, 'research session ended automatically after its scheduled end');
    return ended;
  }

  /** scheduled|live -> ended, once (conditional update): the live room is told and the pending jobs dropped. */
  private async closeAsEnded(session: ResearchSession, endedAt: Date, reason: 'ended' | 'auto', opts: { dropAutoEnd?: boolean } = {}): Promise<boolean> {
    // Conditional, so two moderators (or a moderator and the auto-end job) ending at once end it once.
    const res = await this.sessions.update({ id: session.id, status: In(['scheduled', 'live']) }, { status: 'ended', endedAt });
    if (!res.affected) return false;
    this.live.emitToSession(session.id, 'session:ended', { sessionId: session.id, endedAt: endedAt.toISOString(), reason });
    await this.reminders.drop(session, { autoEnd: opts.dropAutoEnd ?? true });
    return true;
  }

  /**
   * In-person attendance (moderators): who was there, for a session held on site (or as well as online). Each entry
   * adds a closed attendance interval (default: the whole scheduled window) beside any the live room recorded; it
   * overrides nothing, and finalise merges overlaps, so nobody is credited twice. Allowed from the session's start;
   * after the end too (a register handed in late), in which case attendance is finalised again at once so the
   * training records include it. Only invitees and staff of the host or invited organizations may be listed.
   */
  async rollCall(principal: Principal, sessionId: string, entries: RollCallEntry[]): Promise<AttendanceSummaryView> {
    const { session, facts } = await this.moderatable(principal, sessionId);
    if (session.status === 'cancelled') throw new DomainException('RESEARCH_SESSION_CANCELLED');
    if (Date.now() < session.startsAt.getTime()) throw new DomainException('RESEARCH_SESSION_NOT_STARTED');
    const resolved = resolveRollCall(entries, rollCallWindow(session));
    if (!resolved.ok) {
      const w = rollCallWindow(session);
      throw new DomainException('RESEARCH_SESSION_ROLL_CALL_INVALID', undefined, { entries: resolved.invalid, windowStart: w.start.toISOString(), windowEnd: w.end.toISOString() });
    }
    const ids = [...new Set(entries.map((e) => e.userId))];
    const users = await this.users.find({ where: { id: In(ids), active: true }, select: { id: true, organizationId: true } });
    const byId = new Map(users.map((u) => [u.id, u]));
    const refused = ids.filter((id) => !byId.has(id) || !mayBeOnRollCall(byId.get(id)!, facts));
    if (refused.length) throw new DomainException('RESEARCH_SESSION_ROLL_CALL_NOT_INVITED', undefined, { userIds: refused });
    await this.attendance.recordRollCall(
      session.id,
      resolved.intervals.map((iv) => ({ ...iv, organizationId: byId.get(iv.userId)!.organizationId })),
    );
    // Re-read: the session may have ended (by hand or automatically) while this ran; finalise then covers it.
    const now = await this.sessions.findOneByOrFail({ id: session.id });
    if (now.status === 'ended') await this.attendance.finalise(session.id);
    return this.attendance.summary(session.id);
  }

  // ---- REST ----

  async create(principal: Principal, dto: CreateResearchSessionDto): Promise<ResearchSessionView> {
    const host = await this.organizations.findOne({ where: { id: dto.hostOrganizationId } });
    if (!host) throw new DomainException('RESEARCH_SESSION_HOST_INVALID');
    if (!mayHost(principal, host)) throw new DomainException('OUT_OF_SCOPE');
    this.assertTimes(dto.startsAt, dto.endsAt);

    let invitedOrganizationIds = dto.invitedOrganizationIds;
    if (dto.partnershipId) {
      const memberIds = await this.partnershipMembers(dto.partnershipId, host.id);
      // A partnership's member schools are invited by default.
      invitedOrganizationIds ??= memberIds.filter((id) => id !== host.id);
    }
    const invitedUsers = mergeInvitedUsers(dto.invitedUserIds, dto.invitedUsers);
    const agenda = (dto.agenda ?? []).map(cleanAgendaItem);
    await this.assertInviteesExist(invitedOrganizationIds ?? [], invitedUsers.map((u) => u.userId), agenda);
    const resourceIds = await this.assertResourcesVisible(principal, dto.resourceIds ?? []);

    const session = await this.dataSource.transaction(async (em) => {
      const s = em.create(ResearchSession, {
        kind: dto.kind,
        title: dto.title,
        subject: dto.subject || null,
        hostOrganizationId: host.id,
        partnershipId: dto.partnershipId ?? null,
        startsAt: dto.startsAt,
        endsAt: dto.endsAt,
        venue: dto.venue || null,
        online: dto.online ?? false,
        agenda,
        currentAgendaIndex: -1,
        trainingLevel: dto.trainingLevel ?? 'school',
        creditHours: dto.creditHours,
        creditRule: dto.creditRule ?? 'threshold',
        minAttendancePercent: dto.minAttendancePercent ?? 75,
        status: 'scheduled',
        createdByUserId: principal.userId,
        endedAt: null,
        cancelledAt: null,
        cancelReason: null,
        sequence: 0,
      });
      await em.save(s);
      await this.writeInvitations(em, s.id, invitedOrganizationIds ?? [], invitedUsers, host.id);
      await this.writeResources(em, s.id, resourceIds);
      return s;
    });

    await this.reminders.plan(session);
    const recipients = await this.invitees.userIds(session.id);
    await this.notifications.notifyUsers(recipients, {
      type: 'research_session.invited',
      title: `邀请：${host.name}「${session.title}」`,
      body: `${KIND_LABELS[session.kind]}，${shanghaiDateTime(session.startsAt)}–${shanghaiDateTime(session.endsAt).slice(11)}（北京时间）。请回复是否参加。`,
      link: { kind: 'research_session', id: session.id },
    });
    return this.view(principal, session.id);
  }

  async list(principal: Principal, query: ListSessionsQuery): Promise<ResearchSessionListView> {
    const window = listWindow(query.from, query.to);
    if (!window) throw new DomainException('RESEARCH_SESSION_WINDOW_INVALID');
    const qb = this.sessions
      .createQueryBuilder('s')
      .where('s.startsAt < :to AND s.endsAt > :from', { from: window.from, to: window.to })
      .orderBy('s.startsAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(LIST_LIMIT + 1);
    await this.applyReadable(qb, principal);
    const rows = await qb.getMany();
    const truncated = rows.length > LIST_LIMIT;
    const items = rows.slice(0, LIST_LIMIT);
    const hostNames = await this.orgNames(items.map((s) => s.hostOrganizationId));
    const mine = items.length ? await this.rsvps.find({ where: { userId: principal.userId, sessionId: In(items.map((s) => s.id)) } }) : [];
    const myBySession = new Map(mine.map((r) => [r.sessionId, r.response]));
    return { from: window.from, to: window.to, truncated, items: items.map((s) => summaryOf(s, hostNames.get(s.hostOrganizationId) ?? '', myBySession.get(s.id) ?? null)) };
  }

  async get(principal: Principal, sessionId: string): Promise<ResearchSessionView> {
    await this.readable(principal, sessionId);
    return this.view(principal, sessionId);
  }

  async update(principal: Principal, sessionId: string, dto: UpdateResearchSessionDto): Promise<ResearchSessionView> {
    const { session, invitations } = await this.moderatable(principal, sessionId);
    if (session.status !== 'scheduled') throw new DomainException('RESEARCH_SESSION_NOT_EDITABLE');
    const oldStartsAt = session.startsAt;
    const oldEndsAt = session.endsAt;
    const startsAt = dto.startsAt ?? session.startsAt;
    const endsAt = dto.endsAt ?? session.endsAt;
    this.assertTimes(startsAt, endsAt);

    const agenda = dto.agenda ? dto.agenda.map(cleanAgendaItem) : session.agenda;
    const replaceInvites = dto.invitedOrganizationIds !== undefined || dto.invitedUserIds !== undefined || dto.invitedUsers !== undefined;
    const invitedOrganizationIds = dto.invitedOrganizationIds ?? invitations.filter((i) => !i.userId && i.organizationId).map((i) => i.organizationId as string);
    const invitedUsers =
      dto.invitedUserIds !== undefined || dto.invitedUsers !== undefined
        ? mergeInvitedUsers(dto.invitedUserIds, dto.invitedUsers)
        : invitations.filter((i) => i.userId).map((i) => ({ userId: i.userId as string, role: i.role }));
    await this.assertInviteesExist(replaceInvites ? invitedOrganizationIds : [], replaceInvites ? invitedUsers.map((u) => u.userId) : [], dto.agenda ? agenda : []);
    const resourceIds = dto.resourceIds ? await this.assertResourcesVisible(principal, dto.resourceIds) : null;

    await this.dataSource.transaction(async (em) => {
      const changes: Partial<ResearchSession> = {
        title: dto.title ?? session.title,
        subject: dto.subject === undefined ? session.subject : dto.subject || null,
        startsAt,
        endsAt,
        venue: dto.venue === undefined ? session.venue : dto.venue || null,
        online: dto.online ?? session.online,
        agenda,
        trainingLevel: dto.trainingLevel ?? session.trainingLevel,
        creditHours: dto.creditHours ?? session.creditHours,
        creditRule: dto.creditRule ?? session.creditRule,
        minAttendancePercent: dto.minAttendancePercent ?? session.minAttendancePercent,
        sequence: session.sequence + 1,
      };
      // Conditional on the status, so an edit racing a cancel or the first live join loses cleanly.
      const res = await em.update(ResearchSession, { id: session.id, status: 'scheduled' }, changes);
      if (!res.affected) throw new DomainException('RESEARCH_SESSION_NOT_EDITABLE');
      if (replaceInvites) {
        await em.delete(ResearchSessionInvitation, { sessionId: session.id });
        await this.writeInvitations(em, session.id, invitedOrganizationIds, invitedUsers, session.hostOrganizationId);
      }
      if (resourceIds) {
        await em.delete(ResearchSessionResource, { sessionId: session.id });
        await this.writeResources(em, session.id, resourceIds);
      }
    });

    const moved = oldStartsAt.getTime() !== startsAt.getTime() || oldEndsAt.getTime() !== endsAt.getTime();
    await this.reminders.move(session.id, { startsAt: oldStartsAt, endsAt: oldEndsAt }, { startsAt, endsAt });
    if (moved) {
      const recipients = await this.invitees.userIds(session.id, { exceptDeclined: true });
      await this.notifications.notifyUsers(recipients, {
        type: 'research_session.rescheduled',
        title: `时间调整：「${dto.title ?? session.title}」`,
        body: `新的时间为 ${shanghaiDateTime(startsAt)}–${shanghaiDateTime(endsAt).slice(11)}（北京时间）。`,
        link: { kind: 'research_session', id: session.id },
      });
    }
    return this.view(principal, session.id);
  }

  /** One answer per user per session; answering again changes it. Anyone who may read an open session may answer. */
  async rsvp(principal: Principal, sessionId: string, response: RsvpResponse): Promise<ResearchSessionView> {
    const { session } = await this.readable(principal, sessionId);
    this.assertOpen(session);
    const existing = await this.rsvps.findOne({ where: { sessionId, userId: principal.userId } });
    if (existing) {
      await this.rsvps.update({ id: existing.id }, { response });
    } else {
      try {
        await this.rsvps.insert(this.rsvps.create({ sessionId, userId: principal.userId, response }));
      } catch (err) {
        // A double click: the other request created it first.
        if (!isUniqueViolation(err)) throw err;
        await this.rsvps.update({ sessionId, userId: principal.userId }, { response });
      }
    }
    return this.view(principal, sessionId);
  }

  /** Cancels (moderators; idempotent): reminders dropped, invitees notified, the live room told. */
  async cancel(principal: Principal, sessionId: string, reason: string | undefined): Promise<ResearchSessionView> {
    const { session } = await this.moderatable(principal, sessionId);
    if (session.status === 'ended') throw new DomainException('RESEARCH_SESSION_ENDED');
    if (session.status !== 'cancelled') {
      const cancelledAt = new Date();
      const res = await this.sessions.update(
        { id: session.id, status: In(['scheduled', 'live']) },
        { status: 'cancelled', cancelledAt, cancelReason: reason || null, sequence: session.sequence + 1 },
      );
      if (res.affected) {
        await this.reminders.drop(session);
        this.live.emitToSession(session.id, 'session:ended', { sessionId: session.id, endedAt: cancelledAt.toISOString(), reason: 'cancelled' });
        const recipients = await this.invitees.userIds(session.id);
        await this.notifications.notifyUsers(recipients, {
          type: 'research_session.cancelled',
          title: `活动取消：「${session.title}」`,
          body: `原定 ${shanghaiDateTime(session.startsAt)}（北京时间）的${KIND_LABELS[session.kind]}已取消。${reason ? `原因：${reason}` : ''}`,
          link: { kind: 'research_session', id: session.id },
        });
      }
    }
    return this.view(principal, session.id);
  }

  /** Attendance per person (moderators and coordinators who may see the session). */
  async attendanceOf(principal: Principal, sessionId: string): Promise<AttendanceSummaryView> {
    await this.moderatable(principal, sessionId);
    return this.attendance.summary(sessionId);
  }

  /** The clashes a session would have (flags only, nothing is blocked). */
  async clashesFor(candidate: { id?: string; hostOrganizationId: string; startsAt: Date; endsAt: Date; presenterUserIds: string[] }): Promise<Clash[]> {
    const overlapping = await this.sessions
      .createQueryBuilder('s')
      .where('s.startsAt < :end AND s.endsAt > :start', { start: candidate.startsAt, end: candidate.endsAt })
      .andWhere('s.status <> :cancelled', { cancelled: 'cancelled' })
      .orderBy('s.startsAt', 'ASC')
      .take(CLASH_SCAN_LIMIT)
      .getMany();
    const others = overlapping.filter((s) => s.id !== candidate.id);
    if (!others.length) return [];
    const presenterRows = await this.invitations.find({ where: { sessionId: In(others.map((s) => s.id)), role: 'presenter' } });
    const bySession = new Map<string, string[]>();
    for (const r of presenterRows) if (r.userId) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r.userId]);
    return findClashes(
      candidate,
      others.map((s) => ({ ...s, presenterUserIds: presenterIds(bySession.get(s.id) ?? [], s.agenda) })),
    );
  }

  // ---- internals ----

  private async load(principal: Principal, sessionId: string): Promise<Loaded> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session) throw new DomainException('RESEARCH_SESSION_NOT_FOUND');
    const invitations = await this.invitations.find({ where: { sessionId } });
    const invitedOrganizationIds = invitations.filter((i) => !i.userId && i.organizationId).map((i) => i.organizationId as string);
    let hostCountyId: string | null = null;
    let invitedCountyIds: (string | null)[] = [];
    // Counties only matter to county coordinators; mentor sides only to mentors.
    if (principal.role === 'county_admin') {
      const orgs = await this.organizations.find({ where: { id: In([session.hostOrganizationId, ...invitedOrganizationIds]) }, select: { id: true, countyId: true } });
      hostCountyId = orgs.find((o) => o.id === session.hostOrganizationId)?.countyId ?? null;
      invitedCountyIds = orgs.filter((o) => o.id !== session.hostOrganizationId || invitedOrganizationIds.includes(o.id)).map((o) => o.countyId);
    }
    let isPartnershipMentor = false;
    if (principal.role === 'mentor' && session.partnershipId) {
      const parties = await this.parties.find({ where: { partnershipId: session.partnershipId, side: 'mentor' } });
      isPartnershipMentor = isMentorParty(principal, parties);
    }
    const facts: SessionAccessFacts = {
      hostOrganizationId: session.hostOrganizationId,
      hostCountyId,
      createdByUserId: session.createdByUserId,
      invitedUserIds: invitations.filter((i) => i.userId).map((i) => i.userId as string),
      invitedOrganizationIds,
      invitedCountyIds,
      isPartnershipMentor,
    };
    return { session, invitations, facts };
  }

  private async readable(principal: Principal, sessionId: string): Promise<Loaded> {
    const loaded = await this.load(principal, sessionId);
    if (!mayJoin(principal, loaded.facts)) throw new DomainException('RESEARCH_SESSION_NOT_FOUND');
    return loaded;
  }

  private async moderatable(principal: Principal, sessionId: string): Promise<Loaded> {
    const loaded = await this.readable(principal, sessionId);
    if (!mayModerate(principal, loaded.facts)) throw new DomainException('RESEARCH_SESSION_ACCESS_DENIED');
    return loaded;
  }

  private assertOpen(session: ResearchSession): void {
    if (session.status === 'cancelled') throw new DomainException('RESEARCH_SESSION_CANCELLED');
    if (session.status === 'ended') throw new DomainException('RESEARCH_SESSION_ENDED');
  }

  private assertTimes(startsAt: Date, endsAt: Date): void {
    if (endsAt.getTime() <= startsAt.getTime()) throw new DomainException('RESEARCH_SESSION_TIMES_INVALID');
    // A session longer than two days is a typo in the date, not a research session.
    if (endsAt.getTime() - startsAt.getTime() > 48 * 3600_000) throw new DomainException('RESEARCH_SESSION_TIMES_INVALID', '活动时长不能超过48小时');
  }

  /** The partnership's member organizations; 422 unless the host takes part in it. */
  private async partnershipMembers(partnershipId: string, hostId: string): Promise<string[]> {
    const partnership = await this.partnerships.findOne({ where: { id: partnershipId } });
    if (!partnership) throw new DomainException('RESEARCH_SESSION_PARTNERSHIP_INVALID');
    const parties = await this.parties.find({ where: { partnershipId } });
    if (!parties.some((p) => p.organizationId === hostId)) throw new DomainException('RESEARCH_SESSION_PARTNERSHIP_INVALID');
    return [...new Set(parties.filter((p) => p.side === 'member').map((p) => p.organizationId))].sort();
  }

  private async assertInviteesExist(organizationIds: string[], userIds: string[], agenda: AgendaItem[]): Promise<void> {
    const orgs = organizationIds.length ? await this.organizations.find({ where: { id: In(organizationIds) }, select: { id: true } }) : [];
    const presenters = agendaPresenterIds(agenda);
    const wanted = [...new Set([...userIds, ...presenters])];
    const users = wanted.length ? await this.users.find({ where: { id: In(wanted), active: true }, select: { id: true } }) : [];
    const knownOrgs = new Set(orgs.map((o) => o.id));
    const knownUsers = new Set(users.map((u) => u.id));
    const unknownOrgs = organizationIds.filter((id) => !knownOrgs.has(id));
    const unknownUsers = userIds.filter((id) => !knownUsers.has(id));
    if (unknownOrgs.length || unknownUsers.length) {
      throw new DomainException('RESEARCH_SESSION_INVITEE_UNKNOWN', undefined, { organizationIds: unknownOrgs, userIds: unknownUsers });
    }
    const unknownPresenters = presenters.filter((id) => !knownUsers.has(id));
    if (unknownPresenters.length) throw new DomainException('RESEARCH_SESSION_AGENDA_INVALID', '议程中的主讲人不存在', { userIds: unknownPresenters });
  }

  /** The linked resources must exist and be visible to whoever links them. */
  private async assertResourcesVisible(principal: Principal, ids: string[]): Promise<string[]> {
    const rows = ids.length ? await this.resources.find({ where: { id: In(ids) } }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const unavailable: string[] = [];
    for (const id of ids) {
      const r = byId.get(id);
      if (!r || !(await this.resourceAccess.canView(principal, r))) unavailable.push(id);
    }
    if (unavailable.length) throw new DomainException('RESEARCH_SESSION_RESOURCE_UNAVAILABLE', undefined, { resourceIds: unavailable });
    return ids;
  }

  private async writeInvitations(em: EntityManager, sessionId: string, orgIds: string[], users: { userId: string; role: InvitationRole }[], hostId: string): Promise<void> {
    const rows = [
      ...[...new Set(orgIds)].filter((id) => id !== hostId).map((organizationId) => em.create(ResearchSessionInvitation, { sessionId, organizationId, userId: null, role: 'participant' })),
      ...users.map((u) => em.create(ResearchSessionInvitation, { sessionId, organizationId: null, userId: u.userId, role: u.role })),
    ];
    if (rows.length) await em.save(rows, { chunk: 100 });
  }

  private async writeResources(em: EntityManager, sessionId: string, resourceIds: string[]): Promise<void> {
    if (!resourceIds.length) return;
    await em.save(resourceIds.map((resourceId, position) => em.create(ResearchSessionResource, { sessionId, resourceId, position })));
  }

  /** Adds the "may read" condition (the SQL form of mayJoin) to a query over sessions aliased `s`. */
  private async applyReadable(qb: ReturnType<Repository<ResearchSession>['createQueryBuilder']>, p: Principal): Promise<void> {
    if (p.role === 'city_admin') return;
    const inv = (cond: string) => `s.id IN (SELECT i.sessionId FROM research_session_invitations i WHERE ${cond})`;
    if (p.role === 'county_admin') {
      qb.andWhere(
        new Brackets((w) => {
          w.where('s.hostOrganizationId = :cty', { cty: p.organizationId })
            .orWhere('s.hostOrganizationId IN (SELECT o.id FROM organizations o WHERE o.countyId = :cty)')
            .orWhere(inv('i.organizationId = :cty'))
            .orWhere(`s.id IN (SELECT i2.sessionId FROM research_session_invitations i2 INNER JOIN organizations o2 ON o2.id = i2.organizationId WHERE o2.countyId = :cty AND i2.userId IS NULL)`);
        }),
      );
      return;
    }
    let mentored: string[] = [];
    if (p.role === 'mentor') {
      const parties = await this.parties.find({ where: [{ side: 'mentor', userId: p.userId }, { side: 'mentor', organizationId: p.organizationId }] });
      mentored = [...new Set(parties.filter((x) => isMentorParty(p, [x])).map((x) => x.partnershipId))];
    }
    qb.andWhere(
      new Brackets((w) => {
        w.where('s.hostOrganizationId = :org', { org: p.organizationId })
          .orWhere('s.createdByUserId = :me', { me: p.userId })
          .orWhere(inv('(i.userId = :me OR (i.userId IS NULL AND i.organizationId = :org))'));
        if (mentored.length) w.orWhere('s.partnershipId IN (:...mentored)', { mentored });
      }),
    );
  }

  private async orgNames(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.organizations.find({ where: { id: In(unique) }, select: { id: true, name: true } });
    return new Map(rows.map((o) => [o.id, o.name]));
  }

  private async view(principal: Principal, sessionId: string): Promise<ResearchSessionView> {
    const { session, invitations, facts } = await this.load(principal, sessionId);
    const userIds = invitations.filter((i) => i.userId).map((i) => i.userId as string);
    const users = userIds.length ? await this.users.find({ where: { id: In(userIds) }, select: { id: true, name: true, organizationId: true } }) : [];
    const names = await this.orgNames([session.hostOrganizationId, ...invitations.map((i) => i.organizationId ?? ''), ...users.map((u) => u.organizationId)].filter(Boolean));
    const userById = new Map(users.map((u) => [u.id, u]));
    const invitationViews: InvitationView[] = invitations
      .map((i): InvitationView => {
        if (i.userId) {
          const u = userById.get(i.userId);
          return { type: 'user', id: i.userId, name: u?.name ?? '', role: i.role, organizationName: u ? names.get(u.organizationId) ?? null : null };
        }
        return { type: 'organization', id: i.organizationId as string, name: names.get(i.organizationId as string) ?? '', role: i.role };
      })
      .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name, 'zh-CN') : a.type === 'organization' ? -1 : 1));

    const counts = await this.rsvps
      .createQueryBuilder('r')
      .select('r.response', 'response')
      .addSelect('COUNT(*)', 'n')
      .where('r.sessionId = :id', { id: session.id })
      .groupBy('r.response')
      .getRawMany<{ response: RsvpResponse; n: string | number }>();
    const rsvpCounts = { accept: 0, decline: 0, tentative: 0 };
    for (const c of counts) rsvpCounts[c.response] = Number(c.n);
    const mine = await this.rsvps.findOne({ where: { sessionId: session.id, userId: principal.userId } });

    const clashes =
      session.status === 'cancelled'
        ? []
        : await this.clashesFor({
            id: session.id,
            hostOrganizationId: session.hostOrganizationId,
            startsAt: session.startsAt,
            endsAt: session.endsAt,
            presenterUserIds: presenterIds(invitations.filter((i) => i.role === 'presenter' && i.userId).map((i) => i.userId as string), session.agenda),
          });

    const links = await this.links.find({ where: { sessionId: session.id }, order: { position: 'ASC' } });
    const linked = links.length ? await this.resources.find({ where: { id: In(links.map((l) => l.resourceId)) } }) : [];
    const linkedById = new Map(linked.map((r) => [r.id, r]));
    const resources = [];
    for (const l of links) {
      const r = linkedById.get(l.resourceId);
      // Each viewer sees only the linked resources they may open (a school-only item stays within its school).
      if (r && (await this.resourceAccess.canView(principal, r))) resources.push({ id: r.id, title: r.title, type: r.type });
    }

    return {
      ...summaryOf(session, names.get(session.hostOrganizationId) ?? '', mine?.response ?? null),
      agenda: session.agenda,
      currentAgendaIndex: session.currentAgendaIndex,
      createdByUserId: session.createdByUserId,
      endedAt: session.endedAt,
      cancelledAt: session.cancelledAt,
      cancelReason: session.cancelReason,
      sequence: session.sequence,
      invitations: invitationViews,
      rsvpCounts,
      clashes,
      resources,
      canModerate: mayModerate(principal, facts),
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
    };
  }
}

function summaryOf(s: ResearchSession, hostName: string, myRsvp: RsvpResponse | null): ResearchSessionSummaryView {
  return {
    id: s.id,
    kind: s.kind,
    kindLabel: KIND_LABELS[s.kind],
    title: s.title,
    subject: s.subject,
    hostOrganizationId: s.hostOrganizationId,
    hostOrganizationName: hostName,
    partnershipId: s.partnershipId,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    startsAtLocal: shanghaiDateTime(s.startsAt),
    endsAtLocal: shanghaiDateTime(s.endsAt),
    timeZone: PLATFORM_TIME_ZONE,
    venue: s.venue,
    online: s.online,
    trainingLevel: s.trainingLevel,
    creditHours: s.creditHours,
    creditRule: s.creditRule,
    minAttendancePercent: s.minAttendancePercent,
    status: s.status,
    myRsvp,
  };
}

function cleanAgendaItem(a: { title: string; minutes?: number; presenterUserId?: string }): AgendaItem {
  const out: AgendaItem = { title: a.title };
  if (a.minutes !== undefined) out.minutes = a.minutes;
  if (a.presenterUserId) out.presenterUserId = a.presenterUserId;
  return out;
}

/** invitedUserIds are participants; invitedUsers may name presenters. A user in both keeps the explicit role. */
function mergeInvitedUsers(ids: string[] | undefined, users: InvitedUserDto[] | undefined): { userId: string; role: InvitationRole }[] {
  const byId = new Map<string, InvitationRole>();
  for (const id of ids ?? []) byId.set(id, 'participant');
  for (const u of users ?? []) byId.set(u.userId, u.role ?? 'participant');
  return [...byId].map(([userId, role]) => ({ userId, role }));
}

