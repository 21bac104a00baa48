import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { DomainException, Page, Principal, shanghaiDate, toPage, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { ACTIVE_SLOT, Plan } from './plan.entity';
import { Measure } from './measure.entity';
import { parseTerm } from './measure-rules';
import { PlanAccess, PlanScope } from './plan-access';
import { permissionsOf, PlanViews } from './plan-views';
import { CreatePlanDto, ListPlansQuery, PlanDetailView, PlanView, UpdatePlanDto } from './plans.dto';

/** Adds the principal's scope to a query joined to the school as `alias`. */
export function applyPlanScope(qb: { andWhere: (where: string | Brackets, params?: object) => unknown }, scope: PlanScope, schoolAlias: string): void {
  if (scope.kind === 'county') qb.andWhere(`${schoolAlias}.countyId = :scopeCountyId`, { scopeCountyId: scope.countyId });
  if (scope.kind === 'schools') {
    // An empty IN () is invalid SQL; no schools means nothing to see.
    if (!scope.schoolIds.length) qb.andWhere('1 = 0');
    else qb.andWhere(`${schoolAlias}.id IN (:...scopeSchoolIds)`, { scopeSchoolIds: scope.schoolIds });
  }
}

/** 一校一策 plans: one active plan per school and term, read and edited as PlanAccess allows. */
@Injectable()
export class PlansService {
  constructor(
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    @InjectRepository(Measure) private readonly measures: Repository<Measure>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly access: PlanAccess,
    private readonly views: PlanViews,
  ) {}

  async create(principal: Principal, dto: CreatePlanDto): Promise<PlanView> {
    parseTerm(dto.term);
    const school = await this.organizations.findOne({ where: { id: dto.schoolId } });
    if (!school) throw new DomainException('ORGANIZATION_NOT_FOUND');
    await this.access.assert(principal, school.id, 'edit');
    if (school.kind !== 'school') throw new DomainException('PLAN_SCHOOL_INVALID');
    await this.assertNoActivePlan(school.id, dto.term);
    const plan = this.plans.create({
      schoolId: school.id,
      term: dto.term,
      title: dto.title,
      goals: dto.goals ?? [],
      status: 'active',
      activeSlot: ACTIVE_SLOT,
      createdById: principal.userId,
    });
    await this.saveActive(plan, school.id, dto.term);
    return (await this.views.plans([plan]))[0];
  }

  async list(principal: Principal, query: ListPlansQuery): Promise<Page<PlanView>> {
    const qb = this.plans.createQueryBuilder('p').innerJoin(Organization, 's', 's.id = p.schoolId');
    applyPlanScope(qb, await this.access.scope(principal), 's');
    if (query.schoolId) qb.andWhere('p.schoolId = :schoolId', { schoolId: query.schoolId });
    if (query.countyId) qb.andWhere('s.countyId = :countyId', { countyId: query.countyId });
    if (query.term) qb.andWhere('p.term = :term', { term: query.term });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    qb.orderBy('p.term', 'DESC').addOrderBy('s.name', 'ASC').addOrderBy('p.createdAt', 'DESC').addOrderBy('p.id', 'ASC');
    // offset/limit, not skip/take: the joins select no entity, so rows are not duplicated.
    qb.offset(query.offset).limit(query.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(await this.views.plans(rows), total, query);
  }

  async get(principal: Principal, id: string): Promise<PlanDetailView> {
    const plan = await this.require(id);
    const caps = await this.access.assert(principal, plan.schoolId, 'read');
    const today = shanghaiDate();
    const measures = await this.measures.find({ where: { planId: plan.id }, order: { sortOrder: 'ASC', dueDate: 'ASC', id: 'ASC' } });
    const [view] = await this.views.plans([plan], today);
    return { ...view, measures: await this.views.measures(measures, today), permissions: permissionsOf(caps) };
  }

  async update(principal: Principal, id: string, dto: UpdatePlanDto): Promise<PlanView> {
    const plan = await this.require(id);
    const caps = await this.access.assert(principal, plan.schoolId, 'edit');
    const statusChange = dto.status !== undefined && dto.status !== plan.status;
    if (statusChange && !caps.has('supervise')) throw new DomainException('ACCESS_DENIED', '只有县区或市级管理员可以归档或恢复规划');
    if (plan.status === 'archived' && !(statusChange && dto.status === 'active')) throw new DomainException('PLAN_ARCHIVED');

    if (dto.title !== undefined) plan.title = dto.title;
    if (dto.goals !== undefined) plan.goals = dto.goals;
    if (statusChange) {
      plan.status = dto.status!;
      plan.activeSlot = dto.status === 'active' ? ACTIVE_SLOT : null;
      if (dto.status === 'active') await this.assertNoActivePlan(plan.schoolId, plan.term, plan.id);
    }
    delete plan.school;
    await this.saveActive(plan, plan.schoolId, plan.term);
    return (await this.views.plans([plan]))[0];
  }

  async require(id: string): Promise<Plan> {
    const plan = await this.plans.findOne({ where: { id } });
    if (!plan) throw new DomainException('PLAN_NOT_FOUND');
    return plan;
  }

  private async assertNoActivePlan(schoolId: string, term: string, exceptId?: string): Promise<void> {
    const existing = await this.plans.findOne({ where: { schoolId, term, status: 'active' }, select: { id: true } });
    if (existing && existing.id !== exceptId) {
      throw new DomainException('PLAN_ACTIVE_EXISTS', undefined, { planId: existing.id, schoolId, term });
    }
  }

  /** Saves; the unique index decides a race between two creators of the same school's term. */
  private async saveActive(plan: Plan, schoolId: string, term: string): Promise<void> {
    try {
      await this.plans.save(plan);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new DomainException('PLAN_ACTIVE_EXISTS', undefined, { schoolId, term });
    }
  }
}
