import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { NotificationsService } from '../notifications/notifications.service';
import { NotificationInput } from '../notifications/notification-input';
import { Organization } from '../organizations/organization.entity';
import { Measure, MeasureStatus } from './measure.entity';
import { Plan } from './plan.entity';
import { ProgressUpdate, UpdateKind } from './progress-update.entity';
import { EvidenceFile } from './evidence-file.entity';
import { assertCanRequestClose, assertStatusChange, reviewOutcome } from './measure-rules';
import { PlanAccess } from './plan-access';
import { MeasuresService } from './measures.service';
import { PlanViews } from './plan-views';
import { CreateProgressUpdateDto, MeasureView, ProgressUpdateView, ReviewMeasureDto } from './plans.dto';
import type { StoredEvidence } from '../evidence/evidence-upload.interceptor';

export interface ProgressUpdateResult {
  update: ProgressUpdateView;
  measure: MeasureView;
}

/**
 * A measure's timeline: progress and comments with evidence files, the school's request to close it, and the
 * coordinator's sign-off or rejection. Writes of one step go in one transaction; notifications follow the commit.
 */
@Injectable()
export class ProgressService {
  private readonly logger = new Logger(ProgressService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EvidenceFile) private readonly evidence: Repository<EvidenceFile>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly measures: MeasuresService,
    private readonly access: PlanAccess,
    private readonly views: PlanViews,
    private readonly notifications: NotificationsService,
  ) {}

  async addUpdate(principal: Principal, measureId: string, dto: CreateProgressUpdateDto, files: StoredEvidence[] = []): Promise<ProgressUpdateResult> {
    const { measure, plan } = await this.measures.requireWithPlan(measureId);
    const caps = await this.access.assert(principal, plan.schoolId, 'comment');
    const canEdit = caps.has('edit');
    if (!canEdit && (dto.kind === 'progress' || dto.status !== undefined || dto.requestClose || files.length)) {
      throw new DomainException('ACCESS_DENIED', '您可以对该措施发表评论，但不能填报进展、更改状态或申请办结');
    }
    const requested: 'progress' | 'comment' = dto.kind ?? (canEdit ? 'progress' : 'comment');
    if (requested === 'comment' && (dto.status !== undefined || dto.requestClose)) {
      throw new DomainException('VALIDATION_FAILED', '评论不能更改措施状态或申请办结', { field: dto.status !== undefined ? 'status' : 'requestClose' });
    }
    if (requested === 'comment' && files.length) {
      throw new DomainException('VALIDATION_FAILED', '评论不能附带佐证材料，请以进展填报的方式上传', { field: 'files' });
    }
    if (plan.status !== 'active') throw new DomainException('PLAN_ARCHIVED');
    if (requested === 'progress' && measure.status === 'done') throw new DomainException('MEASURE_CLOSED');

    const from = measure.status;
    let to: MeasureStatus = from;
    let kind: UpdateKind = requested;
    if (requested === 'progress') {
      if (dto.status !== undefined) assertStatusChange(from, dto.status, measure.reviewState);
      // Reporting progress on a measure that had not started means it has started.
      to = dto.status ?? (from === 'not_started' ? 'in_progress' : from);
      if (dto.requestClose) {
        const stored = await this.evidence.count({ where: { measureId } });
        assertCanRequestClose({ status: from, reviewState: measure.reviewState }, stored + files.length);
        if (to === 'not_started' || to === 'blocked') {
          throw new DomainException('MEASURE_STATUS_NOT_ALLOWED', '申请办结时措施应处于推进中', { status: to });
        }
        kind = 'close_request';
      }
    }

    const update = await this.dataSource.transaction(async (manager) => {
      const updates = manager.getRepository(ProgressUpdate);
      const saved = await updates.save(
        updates.create({
          measureId,
          kind,
          text: dto.text,
          statusFrom: to !== from ? from : null,
          statusTo: to !== from ? to : null,
          authorId: principal.userId,
          authorRole: principal.role,
          authorOrganizationId: principal.organizationId,
        }),
      );
      if (files.length) {
        const repo = manager.getRepository(EvidenceFile);
        await repo.insert(
          files.map((f, position) =>
            repo.create({
              measureId,
              position,
              updateId: saved.id,
              storageKey: f.storageKey,
              filename: cleanFilename(f.originalname),
              contentType: f.mimetype,
              size: f.size,
              sha256: f.sha256,
              uploadedById: principal.userId,
            }),
          ),
        );
      }
      if (kind === 'close_request') {
        // Conditional, so two close requests at once cannot both pass.
        const result = await manager
          .createQueryBuilder()
          .update(Measure)
          .set({ status: to, reviewState: 'pending', closeRequestedAt: new Date(), closeRequestedById: principal.userId })
          .where('id = :id AND reviewState <> :pending AND status <> :done', { id: measureId, pending: 'pending', done: 'done' })
          .execute();
        if (!result.affected) throw new DomainException('MEASURE_REVIEW_PENDING');
      } else if (to !== from) {
        await manager.createQueryBuilder().update(Measure).set({ status: to }).where('id = :id', { id: measureId }).execute();
      }
      return saved;
    });

    if (kind === 'close_request') {
      const school = await this.organizations.findOne({ where: { id: plan.schoolId }, select: { id: true, name: true, countyId: true } });
      await this.notify(
        school?.countyId ? [school.countyId] : [],
        ['county_admin'],
        {
          type: 'measure.review_requested',
          title: `${school?.name ?? '学校'}申请办结措施“${measure.title}”，请审核`,
          body: dto.text,
          link: { kind: 'measure', id: measureId },
        },
      );
    }
    return this.result(update, measureId);
  }

  async review(principal: Principal, measureId: string, dto: ReviewMeasureDto): Promise<MeasureView> {
    const { measure, plan } = await this.measures.requireWithPlan(measureId);
    await this.access.assert(principal, plan.schoolId, 'supervise');
    if (plan.status !== 'active') throw new DomainException('PLAN_ARCHIVED');
    const reason = dto.reason ?? '';
    const outcome = reviewOutcome(measure, dto.decision, reason);
    const now = new Date();

    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(Measure)
        .set({
          status: outcome.status,
          reviewState: outcome.reviewState,
          rejectionReason: outcome.rejectionReason,
          reviewedAt: now,
          reviewedById: principal.userId,
          closedAt: outcome.closed ? now : null,
        })
        .where('id = :id AND reviewState = :pending', { id: measureId, pending: 'pending' })
        .execute();
      // Someone else decided first.
      if (!result.affected) throw new DomainException('MEASURE_NOT_AWAITING_REVIEW');
      const updates = manager.getRepository(ProgressUpdate);
      await updates.insert(
        updates.create({
          measureId,
          kind: outcome.closed ? 'approved' : 'rejected',
          text: reason.trim() || (outcome.closed ? '审核通过，准予办结' : ''),
          statusFrom: measure.status !== outcome.status ? measure.status : null,
          statusTo: measure.status !== outcome.status ? outcome.status : null,
          authorId: principal.userId,
          authorRole: principal.role,
          authorOrganizationId: principal.organizationId,
        }),
      );
    });

    await this.notify([plan.schoolId], ['school_admin'], outcome.closed
      ? { type: 'measure.approved', title: `措施“${measure.title}”已审核通过，准予办结`, body: reason.trim() || undefined, link: { kind: 'measure', id: measureId } }
      : { type: 'measure.rejected', title: `措施“${measure.title}”的办结申请被退回`, body: `退回理由：${outcome.rejectionReason}`, link: { kind: 'measure', id: measureId } });

    const { measure: fresh } = await this.measures.requireWithPlan(measureId);
    return (await this.views.measures([fresh]))[0];
  }

  private async result(update: ProgressUpdate, measureId: string): Promise<ProgressUpdateResult> {
    const { measure } = await this.measures.requireWithPlan(measureId);
    const [updateView] = await this.views.updates([update]);
    const [measureView] = await this.views.measures([measure]);
    return { update: updateView, measure: measureView };
  }

  /** The decision is committed; a failed notification is logged, not turned into a failed request. */
  private async notify(organizationIds: string[], roles: ('county_admin' | 'school_admin')[], n: NotificationInput): Promise<void> {
    if (!organizationIds.length) return;
    try {
      await this.notifications.notifyOrganizationRoles(organizationIds, roles, n);
    } catch (err) {
      this.logger.error({ err, type: n.type }, 'notification failed');
    }
  }
}

/** Keeps the name the user gave (Chinese included), minus any path and control characters. */
export function cleanFilename(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return Array.from(base || '未命名文件').slice(-255).join('');
}
