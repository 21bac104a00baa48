import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In, Repository } from 'typeorm';
import { DomainException, isWithinScope, newId, Page, Principal, Role, ScopeTarget, ScopeTargetLoader, shanghaiDate, toPage, isUniqueViolation } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { NotificationInput, NotificationsService } from '../notifications/notifications.service';
import { isCalendarDate } from '../plans/measure-rules';
import type { StoredEvidence } from '../evidence/evidence-upload.interceptor';
import { Rectification, RectificationSourceKind } from './rectification.entity';
import { RectificationEvent, RectificationEventKind } from './rectification-event.entity';
import { RectificationFile } from './rectification-file.entity';
import { fit, overdueOf, transition } from './supervision-rules';
import {
  CreateRectificationDto,
  ListRectificationsQuery,
  RectificationDetailView,
  RectificationEventView,
  RectificationView,
  ReviewRectificationDto,
  SubmitEvidenceDto,
} from './supervision.dto';

/** Presigned download links live this long; access is checked each time one is asked for. */
export const RECTIFICATION_LINK_SECONDS = 300;

/** The admin role of each kind of unit: whoever answers for that unit (school, county bureau, city unit). */
export const UNIT_ADMIN_ROLES: Role[] = ['school_admin', 'county_admin', 'city_admin'];

/** What the supervision scan (or a coordinator) asks to open. */
export interface RectificationDraft {
  organizationId: string;
  countyId: string | null;
  schoolId: string | null;
  title: string;
  reason: string;
  deadline: string;
  sourceKind: RectificationSourceKind;
  sourceId: string | null;
  openKey: string | null;
  issuedById: string | null;
  issuedByRole: Role | null;
}

type Responsible = ScopeTarget;

/** For dashboards and reports: a county's, a responsible unit's, or a school's orders; all when empty. */
export interface RectificationFilter {
  countyId?: string;
  organizationId?: string;
  schoolId?: string;
}

export interface RectificationSummary {
  total: number;
  open: number;
  submitted: number;
  closed: number;
  /** Open and past the deadline. */
  overdue: number;
}

/**
 * Rectification orders (限期整改): listing and reading within scope, issuing by hand, the responsible unit's
 * evidence (text and files) and the coordinator's review. Status: open -> submitted -> closed, or back to open
 * with a reason. Scope: the city sees all; a county coordinator their county's orders; a school's admins and
 * teachers their school's. The responsible unit's admin hands in evidence; the city, or the coordinator of
 * the county the responsible school is in, reviews it.
 */
@Injectable()
export class RectificationsService {
  private readonly logger = new Logger(RectificationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Rectification) private readonly rectifications: Repository<Rectification>,
    @InjectRepository(RectificationEvent) private readonly events: Repository<RectificationEvent>,
    @InjectRepository(RectificationFile) private readonly files: Repository<RectificationFile>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly scopeLoader: ScopeTargetLoader,
    private readonly notifications: NotificationsService,
    private readonly storage: ObjectStorage,
  ) {}

  // ---- reading ----

  async list(principal: Principal, query: ListRectificationsQuery, today: string = shanghaiDate()): Promise<Page<RectificationView>> {
    const qb = this.rectifications.createQueryBuilder('r');
    const own = principal.organizationId;
    if (principal.role === 'county_admin') {
      qb.andWhere(new Brackets((w) => w.where('r.countyId = :own', { own }).orWhere('r.organizationId = :own', { own })));
      if (query.countyId !== undefined && query.countyId !== own) throw new DomainException('OUT_OF_SCOPE');
    } else if (principal.role !== 'city_admin') {
      qb.andWhere(new Brackets((w) => w.where('r.organizationId = :own', { own }).orWhere('r.schoolId = :own', { own })));
      if (query.countyId !== undefined && query.countyId !== principal.countyId) throw new DomainException('OUT_OF_SCOPE');
    }
    if (query.organizationId !== undefined) {
      await this.assertInScope(principal, query.organizationId);
      qb.andWhere('r.organizationId = :organizationId', { organizationId: query.organizationId });
    }
    if (query.countyId !== undefined) qb.andWhere('r.countyId = :countyId', { countyId: query.countyId });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.sourceKind) qb.andWhere('r.sourceKind = :sourceKind', { sourceKind: query.sourceKind });
    if (query.overdue === true) qb.andWhere("r.status = 'open' AND r.deadline < :today", { today });
    if (query.overdue === false) qb.andWhere("NOT (r.status = 'open' AND r.deadline < :today)", { today });
    qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'ASC').skip(query.offset).take(query.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(await this.views(rows, today), total, query);
  }

  async get(principal: Principal, id: string, today: string = shanghaiDate()): Promise<RectificationDetailView> {
    const rect = await this.require(id);
    this.assertCanRead(principal, rect);
    const [view] = await this.views([rect], today);
    const events = await this.events.find({ where: { rectificationId: id }, order: { seq: 'ASC' } });
    const files = events.length ? await this.files.find({ where: { rectificationId: id }, order: { position: 'ASC', id: 'ASC' } }) : [];
    const actorIds = [...new Set(events.map((e) => e.actorId).filter((a): a is string => !!a))];
    const actors = actorIds.length ? await this.users.find({ where: { id: In(actorIds) }, select: { id: true, name: true } }) : [];
    const actorName = new Map(actors.map((u) => [u.id, u.name]));
    const eventViews: RectificationEventView[] = events.map((e) => ({
      id: e.id,
      kind: e.kind,
      statusFrom: e.statusFrom,
      statusTo: e.statusTo,
      note: e.note,
      actorId: e.actorId,
      actorName: e.actorId ? (actorName.get(e.actorId) ?? null) : null,
      actorRole: e.actorRole,
      files: files
        .filter((f) => f.eventId === e.id)
        .map((f) => ({
          id: f.id,
          filename: f.filename,
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          downloadPath: `/api/v1/rectifications/${id}/files/${f.id}/download`,
          createdAt: f.createdAt,
        })),
      createdAt: e.createdAt,
    }));
    const responsible = await this.responsible(rect);
    return {
      ...view,
      events: eventViews,
      permissions: {
        canSubmitEvidence: this.isResponsibleAdmin(principal, rect) && rect.status === 'open',
        canReview: this.isReviewer(principal, rect, responsible) && rect.status === 'submitted',
      },
    };
  }

  /** A short-lived URL that downloads an evidence file under its original name, for whoever may read the order. */
  async downloadUrl(principal: Principal, id: string, fileId: string): Promise<string> {
    const rect = await this.require(id);
    this.assertCanRead(principal, rect);
    const file = await this.files.findOne({ where: { id: fileId, rectificationId: id } });
    if (!file) throw new DomainException('EVIDENCE_NOT_FOUND');
    return this.storage.presignGet(file.storageKey, { expiresInSeconds: RECTIFICATION_LINK_SECONDS, filename: file.filename, contentType: file.contentType });
  }

  // ---- writing ----

  /** A coordinator issues an order by hand: the city to any school or county, a county coordinator to its schools. */
  async create(principal: Principal, dto: CreateRectificationDto, today: string = shanghaiDate()): Promise<RectificationDetailView> {
    await this.assertInScope(principal, dto.organizationId);
    const org = await this.organizations.findOne({ where: { id: dto.organizationId } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    if (org.kind !== 'school' && org.kind !== 'county') throw new DomainException('RECTIFICATION_TARGET_INVALID', undefined, { kind: org.kind });
    // A county coordinator supervises its schools; only the city orders a county.
    if (principal.role !== 'city_admin' && org.kind === 'county') throw new DomainException('ACCESS_DENIED', '只有市教育局可以向县区下达整改通知');
    if (!isCalendarDate(dto.deadline)) throw new DomainException('VALIDATION_FAILED', '整改期限不是有效日期', { field: 'deadline' });
    if (dto.deadline < today) throw new DomainException('RECTIFICATION_DEADLINE_IN_PAST', undefined, { deadline: dto.deadline, today });
    const { rect } = await this.open({
      organizationId: org.id,
      countyId: org.kind === 'county' ? org.id : org.countyId,
      schoolId: org.kind === 'school' ? org.id : null,
      title: dto.title,
      reason: dto.reason,
      deadline: dto.deadline,
      sourceKind: 'manual',
      sourceId: null,
      openKey: null,
      issuedById: principal.userId,
      issuedByRole: principal.role,
    });
    await this.notifyOpened(rect);
    return this.get(principal, rect.id, today);
  }

  /**
   * Inserts an order and its `opened` event in one transaction. With an open key, a second order for the same
   * source hits the unique index: then `opened` is false and the order already open is returned.
   */
  async open(draft: RectificationDraft, attempt = 1): Promise<{ rect: Rectification; opened: boolean }> {
    const rect = this.rectifications.create({
      id: newId(),
      organizationId: draft.organizationId,
      countyId: draft.countyId,
      schoolId: draft.schoolId,
      title: fit(draft.title, 200),
      reason: fit(draft.reason, 2000),
      deadline: draft.deadline,
      status: 'open',
      sourceKind: draft.sourceKind,
      sourceId: draft.sourceId,
      openKey: draft.openKey,
      issuedById: draft.issuedById,
      rejectionReason: null,
      submittedAt: null,
      closedAt: null,
      closedById: null,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(Rectification, rect);
        await this.addEvent(manager, rect.id, 'opened', null, 'open', null, draft.issuedById, draft.issuedByRole);
      });
    } catch (err) {
      if (!draft.openKey || !isUniqueViolation(err)) throw err;
      const existing = await this.rectifications.findOne({ where: { openKey: draft.openKey } });
      // The other order was closed in between: nothing is open for this source, so try once more.
      if (!existing && attempt < 3) return this.open(draft, attempt + 1);
      if (!existing) throw err;
      return { rect: existing, opened: false };
    }
    return { rect: await this.rectifications.findOneOrFail({ where: { id: rect.id } }), opened: true };
  }

  /** Checks made before an upload starts, so nobody without the right stores a byte. */
  async assertCanSubmitEvidence(principal: Principal, id: string): Promise<Rectification> {
    const rect = await this.require(id);
    this.assertCanRead(principal, rect);
    if (!this.isResponsibleAdmin(principal, rect)) throw new DomainException('ACCESS_DENIED', '只有责任单位的管理员可以提交整改材料');
    transition(rect.status, 'submit_evidence');
    return rect;
  }

  /** The responsible unit hands in evidence (text and files): open -> submitted. */
  async submitEvidence(principal: Principal, id: string, dto: SubmitEvidenceDto, files: StoredEvidence[] = []): Promise<RectificationDetailView> {
    const rect = await this.assertCanSubmitEvidence(principal, id);
    const step = transition(rect.status, 'submit_evidence');
    await this.dataSource.transaction(async (manager) => {
      // Conditional on the status read above, so two submissions at once cannot both pass.
      const result = await manager.update(Rectification, { id, status: step.from }, { status: step.to, submittedAt: new Date() });
      if (!result.affected) throw new DomainException('RECTIFICATION_TRANSITION_NOT_ALLOWED');
      const event = await this.addEvent(manager, id, 'evidence_submitted', step.from, step.to, dto.text, principal.userId, principal.role);
      if (files.length) {
        await manager.insert(
          RectificationFile,
          files.map((f, position) =>
            this.files.create({
              id: newId(),
              position,
              rectificationId: id,
              eventId: event.id,
              storageKey: f.storageKey,
              filename: fit(f.originalname || '佐证材料', 255),
              contentType: f.mimetype,
              size: f.size,
              sha256: f.sha256,
              uploadedById: principal.userId,
            }),
          ),
        );
      }
    });
    const updated = await this.require(id);
    await this.notifyReviewers(updated);
    return this.get(principal, id);
  }

  /** The coordinator's decision: approve closes the order; reject sends it back (open) with the reason. */
  async review(principal: Principal, id: string, dto: ReviewRectificationDto): Promise<RectificationDetailView> {
    const rect = await this.require(id);
    this.assertCanRead(principal, rect);
    if (!this.isReviewer(principal, rect, await this.responsible(rect))) {
      throw new DomainException('ACCESS_DENIED', '只有市教育局或该校所在县区的教育局可以审核整改材料');
    }
    const step = transition(rect.status, dto.decision);
    const reason = dto.reason?.trim() || null;
    if (dto.decision === 'reject' && !reason) throw new DomainException('RECTIFICATION_REASON_REQUIRED');
    await this.dataSource.transaction(async (manager) => {
      const changes: Partial<Rectification> =
        dto.decision === 'approve'
          ? // Closing frees the open key: should the same problem be flagged again later, a new order opens.
            { status: step.to, closedAt: new Date(), closedById: principal.userId, openKey: null }
          : { status: step.to, rejectionReason: reason };
      const result = await manager.update(Rectification, { id, status: step.from }, changes);
      if (!result.affected) throw new DomainException('RECTIFICATION_TRANSITION_NOT_ALLOWED');
      await this.addEvent(manager, id, dto.decision === 'approve' ? 'approved' : 'rejected', step.from, step.to, reason, principal.userId, principal.role);
    });
    const updated = await this.require(id);
    await this.notifyResponsible(
      updated,
      dto.decision === 'approve'
        ? { type: 'rectification.approved', title: fit(`整改已通过审核：${updated.title}`, 200), body: reason ?? undefined }
        : { type: 'rectification.rejected', title: fit(`整改材料被退回：${updated.title}`, 200), body: `退回理由：${reason}` },
    );
    return this.get(principal, id);
  }

  // ---- read API for dashboards and reports (no access checks: callers check scope) ----

  /** Counts by status, and how many open orders are past their deadline, for a county, a school or the city. */
  async summary(filter: RectificationFilter = {}, today: string = shanghaiDate()): Promise<RectificationSummary> {
    const rows = await this.filtered(filter)
      .select('r.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .addSelect("SUM(CASE WHEN r.status = 'open' AND r.deadline < :today THEN 1 ELSE 0 END)", 'overdue')
      .setParameter('today', today)
      .groupBy('r.status')
      .getRawMany<{ status: Rectification['status']; count: string | number; overdue: string | number | null }>();
    const summary: RectificationSummary = { total: 0, open: 0, submitted: 0, closed: 0, overdue: 0 };
    for (const row of rows) {
      summary[row.status] = Number(row.count);
      summary.total += Number(row.count);
      summary.overdue += Number(row.overdue ?? 0);
    }
    return summary;
  }

  /** Every order matching the filter, newest first, as views (for the .xlsx report). */
  async listAll(filter: RectificationFilter = {}, today: string = shanghaiDate()): Promise<RectificationView[]> {
    const rows = await this.filtered(filter).orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'ASC').getMany();
    return this.views(rows, today);
  }

  private filtered(filter: RectificationFilter) {
    const qb = this.rectifications.createQueryBuilder('r');
    if (filter.countyId) qb.andWhere('r.countyId = :countyId', { countyId: filter.countyId });
    if (filter.organizationId) qb.andWhere('r.organizationId = :organizationId', { organizationId: filter.organizationId });
    // A school's orders: addressed to it, or about it (a measure of its plan led by another unit).
    if (filter.schoolId) qb.andWhere('(r.schoolId = :schoolId OR r.organizationId = :schoolId)', { schoolId: filter.schoolId });
    return qb;
  }

  // ---- views and notifications (also used by the supervision scan) ----

  async views(rows: Rectification[], today: string = shanghaiDate()): Promise<RectificationView[]> {
    if (!rows.length) return [];
    const orgIds = [...new Set(rows.flatMap((r) => [r.organizationId, r.countyId]).filter((x): x is string => !!x))];
    const orgs = await this.organizations.find({ where: { id: In(orgIds) }, select: { id: true, name: true } });
    const name = new Map(orgs.map((o) => [o.id, o.name]));
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organizationId,
      organizationName: name.get(r.organizationId) ?? null,
      countyId: r.countyId,
      countyName: r.countyId ? (name.get(r.countyId) ?? null) : null,
      schoolId: r.schoolId,
      title: r.title,
      reason: r.reason,
      deadline: String(r.deadline).slice(0, 10),
      status: r.status,
      ...overdueOf({ status: r.status, deadline: String(r.deadline).slice(0, 10) }, today),
      sourceKind: r.sourceKind,
      sourceId: r.sourceId,
      issuedById: r.issuedById,
      rejectionReason: r.rejectionReason,
      submittedAt: r.submittedAt,
      closedAt: r.closedAt,
      closedById: r.closedById,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }

  /** Tells the responsible unit's admins and the county coordinator that an order was opened. */
  async notifyOpened(rect: Rectification): Promise<void> {
    const input: NotificationInput = {
      type: 'rectification.opened',
      title: fit(`限期整改通知：${rect.title}`, 200),
      body: fit(`${rect.reason}\n请于 ${String(rect.deadline).slice(0, 10)} 前完成整改并提交佐证材料。`, 2000),
      link: { kind: 'rectification', id: rect.id },
    };
    // Roles fit organization kinds (school_admin in schools, county_admin in counties, city_admin in city
    // units), so one call reaches exactly the responsible unit's admins and the county's coordinators.
    await this.safely(() => this.notifications.notifyOrganizationRoles([rect.organizationId, ...(rect.countyId ? [rect.countyId] : [])], UNIT_ADMIN_ROLES, input));
  }

  // ---- internals ----

  private async notifyReviewers(rect: Rectification): Promise<void> {
    const input: NotificationInput = {
      type: 'rectification.submitted',
      title: fit(`整改材料待审核：${rect.title}`, 200),
      link: { kind: 'rectification', id: rect.id },
    };
    await this.safely(async () => {
      if (rect.countyId && rect.countyId !== rect.organizationId) await this.notifications.notifyOrganizationRoles([rect.countyId], ['county_admin'], input);
      if (rect.issuedById) await this.notifications.notifyUsers([rect.issuedById], input);
    });
  }

  private async notifyResponsible(rect: Rectification, n: Omit<NotificationInput, 'link'>): Promise<void> {
    await this.safely(() => this.notifications.notifyOrganizationRoles([rect.organizationId], UNIT_ADMIN_ROLES, { ...n, link: { kind: 'rectification', id: rect.id } }));
  }

  /** The order is already committed; a failed notification is logged rather than undoing it. */
  private async safely(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.logger.warn({ err }, 'could not send a rectification notification');
    }
  }

  private async addEvent(
    manager: EntityManager,
    rectificationId: string,
    kind: RectificationEventKind,
    statusFrom: RectificationEvent['statusFrom'],
    statusTo: RectificationEvent['statusTo'],
    note: string | null,
    actorId: string | null,
    actorRole: string | null,
  ): Promise<RectificationEvent> {
    // The status change of the same transaction serialises writers of one order, so count + 1 is free;
    // the unique index would refuse a duplicate anyway.
    const seq = (await manager.count(RectificationEvent, { where: { rectificationId } })) + 1;
    const event = this.events.create({ id: newId(), rectificationId, seq, kind, statusFrom, statusTo, note: note ? fit(note, 4000) : null, actorId, actorRole });
    await manager.insert(RectificationEvent, event);
    return event;
  }

  private async require(id: string): Promise<Rectification> {
    const rect = await this.rectifications.findOne({ where: { id } });
    if (!rect) throw new DomainException('RECTIFICATION_NOT_FOUND');
    return rect;
  }

  private async responsible(rect: Rectification): Promise<Responsible | null> {
    return this.scopeLoader.load(rect.organizationId);
  }

  private assertCanRead(principal: Principal, rect: Rectification): void {
    const own = principal.organizationId;
    const visible =
      principal.role === 'city_admin' ||
      (principal.role === 'county_admin' && (rect.countyId === own || rect.organizationId === own)) ||
      ((principal.role === 'school_admin' || principal.role === 'teacher') && (rect.organizationId === own || rect.schoolId === own));
    if (!visible) throw new DomainException('OUT_OF_SCOPE');
  }

  /** The responsible unit's own admin (a teacher reads but does not answer for the school). */
  private isResponsibleAdmin(principal: Principal, rect: Rectification): boolean {
    return principal.organizationId === rect.organizationId && UNIT_ADMIN_ROLES.includes(principal.role);
  }

  /**
   * The city reviews every order (it is the top of the chain, so also its own units'); a county coordinator
   * reviews orders of schools in their county, never one addressed to their own bureau.
   */
  private isReviewer(principal: Principal, rect: Rectification, responsible: Responsible | null): boolean {
    if (principal.role === 'city_admin') return true;
    if (principal.role !== 'county_admin') return false;
    return rect.organizationId !== principal.organizationId && responsible?.countyId === principal.organizationId;
  }

  private async assertInScope(principal: Principal, organizationId: string): Promise<void> {
    const target = await this.scopeLoader.load(organizationId);
    if (!target) throw new DomainException('ORGANIZATION_NOT_FOUND');
    if (!isWithinScope(principal, target)) throw new DomainException('OUT_OF_SCOPE');
  }
}
