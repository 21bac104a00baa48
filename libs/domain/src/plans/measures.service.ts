import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { DomainException, Page, Principal, shanghaiDate, toPage } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { IndicatorDefinition } from '../indicators/indicator-definition.entity';
import { Measure, MeasureStatus } from './measure.entity';
import { Plan } from './plan.entity';
import { ProgressUpdate } from './progress-update.entity';
import { EvidenceFile } from './evidence-file.entity';
import { assertDatesInOrder, assertStatusChange, isCalendarDate, overdueOf } from './measure-rules';
import { PlanAccess } from './plan-access';
import { applyPlanScope } from './plans.service';
import { permissionsOf, PlanViews, toEvidenceView } from './plan-views';
import { MEASURE_STATUS_LABELS } from './plan-labels';
import {
  CreateMeasureDto,
  EvidenceView,
  ListMeasuresQuery,
  ListUpdatesQuery,
  MeasureDetailView,
  MeasureView,
  ProgressUpdateView,
  UpdateMeasureDto,
} from './plans.dto';

/** What supervision needs about an overdue measure. */
export interface OverdueMeasure {
  id: string;
  planId: string;
  term: string;
  schoolId: string;
  /** The school's county (whose coordinator supervises it). */
  countyId: string | null;
  leadUnitId: string;
  title: string;
  dueDate: string;
  status: MeasureStatus;
  daysOverdue: number;
}

/** A measure as written by create or import, before it has an id. */
export interface MeasureInput {
  title: string;
  description?: string | null;
  leadUnitId: string;
  cooperatingUnitIds: string[];
  dueDate: string;
  startDate?: string | null;
  indicatorIds?: string[];
}

const RECENT_UPDATES = 50;

@Injectable()
export class MeasuresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Measure) private readonly measures: Repository<Measure>,
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    @InjectRepository(ProgressUpdate) private readonly updates: Repository<ProgressUpdate>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(IndicatorDefinition) private readonly indicators: Repository<IndicatorDefinition>,
    @InjectRepository(EvidenceFile) private readonly evidence: Repository<EvidenceFile>,
    private readonly access: PlanAccess,
    private readonly views: PlanViews,
  ) {}

  // ---- reads ----

  async get(principal: Principal, id: string): Promise<MeasureDetailView> {
    const { measure, plan } = await this.requireWithPlan(id);
    const caps = await this.access.assert(principal, plan.schoolId, 'read');
    const [view] = await this.views.measures([measure]);
    const [recent, updatesTotal] = await this.updates.findAndCount({
      where: { measureId: id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: RECENT_UPDATES,
    });
    const updates = await this.views.updates(recent);
    const school = await this.organizations.findOne({ where: { id: plan.schoolId }, select: { id: true, name: true } });
    return {
      ...view,
      plan: { id: plan.id, title: plan.title, term: plan.term, status: plan.status, schoolId: plan.schoolId, schoolName: school?.name ?? null },
      evidence: await this.evidenceOf(id),
      updates,
      updatesTotal,
      permissions: permissionsOf(caps),
    };
  }

  async listUpdates(principal: Principal, id: string, query: ListUpdatesQuery): Promise<Page<ProgressUpdateView>> {
    const { plan } = await this.requireWithPlan(id);
    await this.access.assert(principal, plan.schoolId, 'read');
    const [rows, total] = await this.updates.findAndCount({
      where: { measureId: id },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    return toPage(await this.views.updates(rows), total, query);
  }

  /** Measures of active plans within the principal's scope, filtered. */
  async list(principal: Principal, query: ListMeasuresQuery): Promise<Page<MeasureView>> {
    const today = shanghaiDate();
    const qb = this.measures
      .createQueryBuilder('m')
      .innerJoin(Plan, 'p', 'p.id = m.planId')
      .innerJoin(Organization, 's', 's.id = m.schoolId')
      .where('p.status = :active', { active: 'active' });
    applyPlanScope(qb, await this.access.scope(principal), 's');
    if (query.planId) qb.andWhere('m.planId = :planId', { planId: query.planId });
    if (query.schoolId) qb.andWhere('m.schoolId = :schoolId', { schoolId: query.schoolId });
    if (query.countyId) qb.andWhere('s.countyId = :countyId', { countyId: query.countyId });
    if (query.leadUnitId) qb.andWhere('m.leadUnitId = :leadUnitId', { leadUnitId: query.leadUnitId });
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    if (query.reviewState) qb.andWhere('m.reviewState = :reviewState', { reviewState: query.reviewState });
    if (query.overdue === true) qb.andWhere("m.status <> 'done' AND m.dueDate < :today", { today });
    if (query.overdue === false) qb.andWhere("(m.status = 'done' OR m.dueDate >= :today)", { today });
    qb.orderBy('m.dueDate', 'ASC').addOrderBy('m.sortOrder', 'ASC').addOrderBy('m.id', 'ASC');
    // offset/limit, not skip/take: the joins select no entity, so rows are not duplicated.
    qb.offset(query.offset).limit(query.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(await this.views.measures(rows, today), total, query);
  }

  /**
   * For supervision: every measure of an active plan that is overdue on `today` (YYYY-MM-DD, Asia/Shanghai),
   * i.e. due before it and not done; oldest due first.
   */
  async findOverdue(today: string): Promise<OverdueMeasure[]> {
    if (!isCalendarDate(today)) throw new Error(`findOverdue: ${today} is not a YYYY-MM-DD date`);
    const rows = await this.measures
      .createQueryBuilder('m')
      .innerJoin(Plan, 'p', 'p.id = m.planId')
      .innerJoin(Organization, 's', 's.id = m.schoolId')
      .select(['m.id AS id', 'm.planId AS planId', 'p.term AS term', 'm.schoolId AS schoolId', 's.countyId AS countyId'])
      .addSelect(['m.leadUnitId AS leadUnitId', 'm.title AS title', 'm.dueDate AS dueDate', 'm.status AS status'])
      .where('p.status = :active', { active: 'active' })
      .andWhere("m.status <> 'done'")
      .andWhere('m.dueDate < :today', { today })
      .orderBy('m.dueDate', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .getRawMany<Omit<OverdueMeasure, 'daysOverdue'>>();
    return rows.map((r) => ({ ...r, dueDate: String(r.dueDate).slice(0, 10), daysOverdue: overdueOf({ dueDate: String(r.dueDate).slice(0, 10), status: r.status }, today).daysOverdue }));
  }

  // ---- writes ----

  async create(principal: Principal, planId: string, dto: CreateMeasureDto): Promise<MeasureView> {
    const plan = await this.requireEditablePlan(principal, planId);
    const input: MeasureInput = { ...dto, cooperatingUnitIds: dto.cooperatingUnitIds ?? [] };
    const [measure] = await this.dataSource.transaction((manager) => this.insertMany(manager, plan, [input], principal));
    return (await this.views.measures([measure]))[0];
  }

  /**
   * Validates and inserts measures of one plan inside the caller's transaction (create and the .xlsx import).
   * Unit and indicator ids must exist; dates must be real and in order.
   */
  async insertMany(manager: EntityManager, plan: Plan, inputs: MeasureInput[], principal: Principal): Promise<Measure[]> {
    for (const input of inputs) await this.validateInput(input);
    const repo = manager.getRepository(Measure);
    const last = await repo.createQueryBuilder('m').select('MAX(m.sortOrder)', 'max').where('m.planId = :planId', { planId: plan.id }).getRawOne<{ max: number | string | null }>();
    let sortOrder = Number(last?.max ?? 0);
    const created: Measure[] = [];
    for (const input of inputs) {
      const measure = repo.create({
        planId: plan.id,
        schoolId: plan.schoolId,
        title: input.title,
        description: input.description ?? null,
        leadUnitId: input.leadUnitId,
        cooperatingUnitIds: input.cooperatingUnitIds,
        indicatorIds: input.indicatorIds ?? [],
        startDate: input.startDate ?? null,
        dueDate: input.dueDate,
        status: 'not_started',
        reviewState: 'none',
        closeRequestedAt: null,
        closeRequestedById: null,
        reviewedAt: null,
        reviewedById: null,
        rejectionReason: null,
        closedAt: null,
        sortOrder: ++sortOrder,
        createdById: principal.userId,
      });
      created.push(await repo.save(measure));
    }
    return created;
  }

  async update(principal: Principal, id: string, dto: UpdateMeasureDto): Promise<MeasureView> {
    const { measure, plan } = await this.requireWithPlan(id);
    await this.access.assert(principal, plan.schoolId, 'edit');
    if (plan.status !== 'active') throw new DomainException('PLAN_ARCHIVED');
    const changes = Object.entries(dto).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (!changes.length) return (await this.views.measures([measure]))[0];
    if (measure.status === 'done') throw new DomainException('MEASURE_CLOSED');

    const next: MeasureInput = {
      title: dto.title ?? measure.title,
      description: dto.description !== undefined ? dto.description : measure.description,
      leadUnitId: dto.leadUnitId ?? measure.leadUnitId,
      cooperatingUnitIds: dto.cooperatingUnitIds ?? measure.cooperatingUnitIds,
      dueDate: dto.dueDate ?? measure.dueDate,
      startDate: dto.startDate !== undefined ? dto.startDate : measure.startDate,
      indicatorIds: dto.indicatorIds ?? measure.indicatorIds,
    };
    await this.validateInput(next, {
      units: dto.leadUnitId !== undefined || dto.cooperatingUnitIds !== undefined,
      indicators: dto.indicatorIds !== undefined,
    });
    const from = measure.status;
    const to = dto.status ?? from;
    assertStatusChange(from, to, measure.reviewState);

    Object.assign(measure, next, { status: to });
    delete measure.plan;
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Measure).save(measure);
      if (to !== from) {
        // A status change made by editing is still part of the measure's history.
        await manager.getRepository(ProgressUpdate).insert(
          manager.getRepository(ProgressUpdate).create({
            measureId: measure.id,
            kind: 'progress',
            text: `状态由“${MEASURE_STATUS_LABELS[from]}”改为“${MEASURE_STATUS_LABELS[to]}”`,
            statusFrom: from,
            statusTo: to,
            authorId: principal.userId,
            authorRole: principal.role,
            authorOrganizationId: principal.organizationId,
          }),
        );
      }
    });
    return (await this.views.measures([measure]))[0];
  }

  // ---- shared lookups ----

  async requireWithPlan(id: string): Promise<{ measure: Measure; plan: Plan }> {
    const measure = await this.measures.findOne({ where: { id } });
    if (!measure) throw new DomainException('MEASURE_NOT_FOUND');
    const plan = await this.plans.findOneOrFail({ where: { id: measure.planId } });
    return { measure, plan };
  }

  async requireEditablePlan(principal: Principal, planId: string): Promise<Plan> {
    const plan = await this.plans.findOne({ where: { id: planId } });
    if (!plan) throw new DomainException('PLAN_NOT_FOUND');
    await this.access.assert(principal, plan.schoolId, 'edit');
    if (plan.status !== 'active') throw new DomainException('PLAN_ARCHIVED');
    return plan;
  }

  private async evidenceOf(measureId: string): Promise<EvidenceView[]> {
    const rows = await this.evidence.find({ where: { measureId }, order: { createdAt: 'ASC', position: 'ASC' } });
    return rows.map(toEvidenceView);
  }

  private async validateInput(input: MeasureInput, check = { units: true, indicators: true }): Promise<void> {
    for (const [field, value] of [['dueDate', input.dueDate], ['startDate', input.startDate]] as const) {
      if (value && !isCalendarDate(value)) throw new DomainException('VALIDATION_FAILED', `${value} 不是有效的日期`, { field });
    }
    assertDatesInOrder(input.startDate, input.dueDate);
    if (check.units) {
      if (input.cooperatingUnitIds.includes(input.leadUnitId)) {
        throw new DomainException('VALIDATION_FAILED', '牵头单位不能同时列为配合单位', { field: 'cooperatingUnitIds' });
      }
      const ids = [...new Set([input.leadUnitId, ...input.cooperatingUnitIds])];
      const found = await this.organizations.find({ where: { id: In(ids) }, select: { id: true } });
      const missing = ids.filter((id) => !found.some((o) => o.id === id));
      if (missing.length) throw new DomainException('MEASURE_UNIT_NOT_FOUND', undefined, { missing });
    }
    if (check.indicators && input.indicatorIds?.length) {
      const found = await this.indicators.find({ where: { id: In(input.indicatorIds) }, select: { id: true } });
      const missing = input.indicatorIds.filter((id) => !found.some((d) => d.id === id));
      if (missing.length) throw new DomainException('MEASURE_INDICATOR_NOT_FOUND', undefined, { missing });
    }
  }
}
