import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { AppConfig, newId, shanghaiDate } from '@app/platform';
import { OnJob } from '@app/queue';
import { NotificationsService } from '../../notifications/notifications.service';
import { Organization } from '../../organizations/organization.entity';
import { ResourceDownloadedEvent, ResourceEvents, ResourceViewedEvent } from '../resource-events';
import { Push } from './push.entity';
import { PushItem } from './push-item.entity';
import { PushReceipt } from './push-receipt.entity';
import { PushDownload } from './push-download.entity';
import { overdueCutoff } from './push-rules';
import { pushesFlagUnopened } from './jobs/flag-unopened.job';

export interface FlagRunResult {
  today: string;
  /** Pushes made on or before this day count as unopened for too long. */
  cutoff: string;
  flaggedSchools: number;
  pushes: { pushId: string; schoolIds: string[] }[];
}

/**
 * Advances receipts from what the library reports (ResourceEvents, the core's port; no dependency the other way):
 * a school's staff viewing a pushed resource opens the push for their school, downloading it records the first
 * download (and opens it, if nothing did before). Also runs the daily unopened flag.
 */
@Injectable()
export class PushReceiptsService implements OnModuleInit {
  private readonly logger = new Logger(PushReceiptsService.name);

  constructor(
    @InjectRepository(Push) private readonly pushes: Repository<Push>,
    @InjectRepository(PushReceipt) private readonly receipts: Repository<PushReceipt>,
    @InjectRepository(PushDownload) private readonly downloads: Repository<PushDownload>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly events: ResourceEvents,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onDownloaded((e) => this.onDownloaded(e));
    this.events.onViewed((e) => this.onViewed(e));
  }

  /** The receipts of pushes delivered to the user's school (at or before `at`) that contain the resource. */
  private matching(resourceId: string, organizationId: string, at: Date): Promise<PushReceipt[]> {
    return this.receipts
      .createQueryBuilder('r')
      .innerJoin(PushItem, 'i', 'i.pushId = r.pushId AND i.resourceId = :resourceId', { resourceId })
      .where('r.organizationId = :organizationId AND r.deliveredAt <= :at', { organizationId, at })
      .getMany();
  }

  async onViewed(e: ResourceViewedEvent): Promise<void> {
    for (const r of await this.matching(e.resourceId, e.organizationId, e.at)) {
      if (!r.firstOpenedAt) await this.setFirst(r.id, 'firstOpenedAt', 'firstOpenedById', e.at, e.userId);
    }
  }

  async onDownloaded(e: ResourceDownloadedEvent): Promise<void> {
    for (const r of await this.matching(e.resourceId, e.organizationId, e.at)) {
      // INSERT IGNORE / INSERT OR IGNORE: the first download of this resource by this school wins.
      await this.downloads
        .createQueryBuilder()
        .insert()
        .into(PushDownload)
        .values({ id: newId(), pushId: r.pushId, organizationId: r.organizationId, resourceId: e.resourceId, userId: e.userId, downloadedAt: e.at })
        .orIgnore()
        .execute();
      if (!r.firstDownloadedAt) await this.setFirst(r.id, 'firstDownloadedAt', 'firstDownloadedById', e.at, e.userId);
      // Downloading a pushed resource means the school opened the push, even if it came by search.
      if (!r.firstOpenedAt) await this.setFirst(r.id, 'firstOpenedAt', 'firstOpenedById', e.at, e.userId);
    }
  }

  /** Writes a "first" time once: the conditional update leaves an earlier concurrent write alone. */
  private async setFirst(id: string, at: 'firstOpenedAt' | 'firstDownloadedAt', by: 'firstOpenedById' | 'firstDownloadedById', when: Date, userId: string): Promise<boolean> {
    const result = await this.receipts.update({ id, [at]: IsNull() }, { [at]: when, [by]: userId });
    return !!result.affected;
  }

  @OnJob(pushesFlagUnopened)
  async onFlagJob(): Promise<void> {
    const result = await this.flagUnopened();
    this.logger.log(`Unopened pushes: ${result.flaggedSchools} schools flagged on ${result.pushes.length} pushes`);
  }

  /**
   * Flags every receipt still unopened PUSH_UNOPENED_DAYS (calendar days, Asia/Shanghai) after its push, once, and
   * tells each pusher which schools. Safe to re-run: a flagged receipt is not flagged (nor reported) again.
   */
  async flagUnopened(today: string = shanghaiDate(), now: Date = new Date()): Promise<FlagRunResult> {
    const days = this.config.PUSH_UNOPENED_DAYS;
    const cutoff = overdueCutoff(today, days);
    const candidates = await this.receipts
      .createQueryBuilder('r')
      .innerJoin(Push, 'p', 'p.id = r.pushId')
      .where('p.pushedOn <= :cutoff AND r.firstOpenedAt IS NULL AND r.unopenedFlaggedAt IS NULL', { cutoff })
      .orderBy('r.pushId')
      .getMany();
    const flagged = new Map<string, string[]>();
    for (const r of candidates) {
      // Conditional: an open or another run between the select and here wins.
      const result = await this.receipts.update({ id: r.id, firstOpenedAt: IsNull(), unopenedFlaggedAt: IsNull() }, { unopenedFlaggedAt: now });
      if (result.affected) flagged.set(r.pushId, [...(flagged.get(r.pushId) ?? []), r.organizationId]);
    }
    for (const [pushId, schoolIds] of flagged) await this.notifyPusher(pushId, schoolIds, days);
    return { today, cutoff, flaggedSchools: [...flagged.values()].reduce((n, s) => n + s.length, 0), pushes: [...flagged].map(([pushId, schoolIds]) => ({ pushId, schoolIds })) };
  }

  private async notifyPusher(pushId: string, schoolIds: string[], days: number): Promise<void> {
    const push = await this.pushes.findOne({ where: { id: pushId } });
    if (!push) return;
    const schools = await this.organizations.find({ where: { id: In(schoolIds) }, select: { id: true, name: true } });
    const names = schools.map((s) => s.name).sort((a, b) => a.localeCompare(b, 'zh-CN'));
    try {
      await this.notifications.notifyUsers([push.pushedById], {
        type: 'push.unopened',
        title: `推送“${push.title}”有 ${schoolIds.length} 所学校超过 ${days} 天未查看`,
        body: `未查看的学校：${names.join('、')}`,
        link: { kind: 'push', id: push.id },
      });
    } catch (err) {
      this.logger.error(`Notifying the pusher of push ${pushId} failed: ${(err as Error).message}`);
    }
  }
}
