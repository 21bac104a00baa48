import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { shanghaiDate } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { IndicatorDefinition } from '../indicators/indicator-definition.entity';
import { User } from '../accounts/user.entity';
import { Measure, MEASURE_STATUSES } from './measure.entity';
import { Plan } from './plan.entity';
import { ProgressUpdate } from './progress-update.entity';
import { EvidenceFile } from './evidence-file.entity';
import { overdueOf } from './measure-rules';
import { PlanCapability } from './plan-access';
import { EvidenceView, IndicatorRef, MeasureCounts, MeasureView, OrganizationRef, PlanView, ProgressUpdateView } from './plans.dto';

const CHUNK = 500;

export function toEvidenceView(e: EvidenceFile): EvidenceView {
  return {
    id: e.id,
    measureId: e.measureId,
    updateId: e.updateId,
    filename: e.filename,
    contentType: e.contentType,
    size: Number(e.size),
    sha256: e.sha256,
    uploadedById: e.uploadedById,
    createdAt: e.createdAt,
    downloadPath: `/api/v1/evidence/${e.id}/download`,
  };
}

export function permissionsOf(caps: Set<PlanCapability>): Record<PlanCapability, boolean> {
  return { read: caps.has('read'), comment: caps.has('comment'), edit: caps.has('edit'), supervise: caps.has('supervise') };
}

export function countMeasures(measures: Pick<Measure, 'status' | 'dueDate' | 'reviewState'>[], today: string): MeasureCounts {
  const byStatus = Object.fromEntries(MEASURE_STATUSES.map((s) => [s, 0])) as MeasureCounts['byStatus'];
  let overdue = 0;
  let awaitingReview = 0;
  for (const m of measures) {
    byStatus[m.status]++;
    if (overdueOf(m, today).overdue) overdue++;
    if (m.reviewState === 'pending') awaitingReview++;
  }
  return { total: measures.length, byStatus, overdue, awaitingReview };
}

/** Builds the api's views, looking names up in batches (organizations, indicators, authors, evidence counts). */
@Injectable()
export class PlanViews {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(IndicatorDefinition) private readonly indicators: Repository<IndicatorDefinition>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Measure) private readonly measureRepo: Repository<Measure>,
    @InjectRepository(EvidenceFile) private readonly evidence: Repository<EvidenceFile>,
  ) {}

  async organizationRefs(ids: string[]): Promise<Map<string, Organization>> {
    const unique = [...new Set(ids)];
    const map = new Map<string, Organization>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.organizations.find({ where: { id: In(unique.slice(i, i + CHUNK)) } });
      for (const o of rows) map.set(o.id, o);
    }
    return map;
  }

  async measures(measures: Measure[], today: string = shanghaiDate()): Promise<MeasureView[]> {
    if (!measures.length) return [];
    const orgs = await this.organizationRefs(measures.flatMap((m) => [m.leadUnitId, ...m.cooperatingUnitIds]));
    const indicatorIds = [...new Set(measures.flatMap((m) => m.indicatorIds))];
    const indicators = new Map<string, IndicatorDefinition>();
    if (indicatorIds.length) {
      for (const d of await this.indicators.find({ where: { id: In(indicatorIds) } })) indicators.set(d.id, d);
    }
    const counts = await this.evidenceCounts(measures.map((m) => m.id));
    const ref = (id: string): OrganizationRef | null => {
      const o = orgs.get(id);
      return o ? { id: o.id, name: o.name, kind: o.kind } : null;
    };
    return measures.map((m) => {
      const { overdue, daysOverdue } = overdueOf(m, today);
      return {
        id: m.id,
        planId: m.planId,
        schoolId: m.schoolId,
        title: m.title,
        description: m.description,
        leadUnitId: m.leadUnitId,
        leadUnit: ref(m.leadUnitId),
        cooperatingUnitIds: m.cooperatingUnitIds,
        cooperatingUnits: m.cooperatingUnitIds.map(ref).filter((r): r is OrganizationRef => r !== null),
        indicatorIds: m.indicatorIds,
        indicators: m.indicatorIds
          .map((id) => indicators.get(id))
          .filter((d): d is IndicatorDefinition => !!d)
          .map((d): IndicatorRef => ({ id: d.id, key: d.key, nameZh: d.nameZh })),
        startDate: m.startDate,
        dueDate: m.dueDate,
        status: m.status,
        overdue,
        daysOverdue,
        reviewState: m.reviewState,
        closeRequestedAt: m.closeRequestedAt,
        reviewedAt: m.reviewedAt,
        reviewedById: m.reviewedById,
        rejectionReason: m.rejectionReason,
        closedAt: m.closedAt,
        evidenceCount: counts.get(m.id) ?? 0,
        sortOrder: m.sortOrder,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
      };
    });
  }

  async updates(updates: ProgressUpdate[]): Promise<ProgressUpdateView[]> {
    if (!updates.length) return [];
    const authorIds = [...new Set(updates.map((u) => u.authorId))];
    const authors = new Map((await this.users.find({ where: { id: In(authorIds) }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
    const files = await this.evidence.find({ where: { updateId: In(updates.map((u) => u.id)) }, order: { createdAt: 'ASC', position: 'ASC' } });
    const byUpdate = new Map<string, EvidenceView[]>();
    for (const f of files) byUpdate.set(f.updateId, [...(byUpdate.get(f.updateId) ?? []), toEvidenceView(f)]);
    return updates.map((u) => ({
      id: u.id,
      measureId: u.measureId,
      kind: u.kind,
      text: u.text,
      statusFrom: u.statusFrom,
      statusTo: u.statusTo,
      authorId: u.authorId,
      authorName: authors.get(u.authorId) ?? null,
      authorRole: u.authorRole,
      authorOrganizationId: u.authorOrganizationId,
      createdAt: u.createdAt,
      evidence: byUpdate.get(u.id) ?? [],
    }));
  }

  async plans(plans: Plan[], today: string = shanghaiDate()): Promise<PlanView[]> {
    if (!plans.length) return [];
    const schools = await this.organizationRefs(plans.map((p) => p.schoolId));
    const counties = await this.organizationRefs([...schools.values()].map((s) => s.countyId).filter((id): id is string => !!id));
    const measures = await this.measureRepo.find({
      where: { planId: In(plans.map((p) => p.id)) },
      select: { id: true, planId: true, status: true, dueDate: true, reviewState: true },
    });
    return plans.map((p) => {
      const school = schools.get(p.schoolId);
      return {
        id: p.id,
        schoolId: p.schoolId,
        school: school
          ? { id: school.id, name: school.name, countyId: school.countyId, countyName: school.countyId ? (counties.get(school.countyId)?.name ?? null) : null }
          : null,
        term: p.term,
        title: p.title,
        goals: p.goals,
        status: p.status,
        createdById: p.createdById,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        measureCounts: countMeasures(measures.filter((m) => m.planId === p.id), today),
      };
    });
  }

  private async evidenceCounts(measureIds: string[]): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    for (let i = 0; i < measureIds.length; i += CHUNK) {
      const rows = await this.evidence
        .createQueryBuilder('e')
        .select('e.measureId', 'measureId')
        .addSelect('COUNT(*)', 'n')
        .where('e.measureId IN (:...ids)', { ids: measureIds.slice(i, i + CHUNK) })
        .groupBy('e.measureId')
        .getRawMany<{ measureId: string; n: string | number }>();
      for (const r of rows) map.set(r.measureId, Number(r.n));
    }
    return map;
  }
}
