import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from '../accounts/user.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';

/**
 * The resource library's in-app notifications (to the uploader, and to reviewers when an item awaits review).
 * A failed notification is logged and never undoes the change that caused it.
 */
@Injectable()
export class ResourceNotifier {
  private readonly logger = new Logger(ResourceNotifier.name);

  constructor(
    private readonly notifications: NotificationsService,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  /** Processing finished: published, waiting for review, or refused (with the reason). */
  async processed(resource: Resource, version: ResourceVersion, outcome: 'published' | 'pending_review' | 'failed'): Promise<void> {
    const title =
      outcome === 'published'
        ? `资源《${resource.title}》已发布`
        : outcome === 'pending_review'
          ? `资源《${resource.title}》已上传，等待审核`
          : `资源《${resource.title}》的文件未通过检查`;
    const body = outcome === 'failed' ? `${version.filename}：${version.failureReason ?? ''}` : `文件 ${version.filename}（第 ${version.number} 版）`;
    await this.safely(() => this.notifications.notifyUsers([version.uploadedById], { type: `resource.${outcome}`, title, body }));
    if (outcome === 'pending_review') await this.awaitingReview(resource);
  }

  async reviewed(resource: Resource, decision: 'approve' | 'reject', reason?: string): Promise<void> {
    const title = decision === 'approve' ? `资源《${resource.title}》审核通过，已发布` : `资源《${resource.title}》未通过审核`;
    await this.safely(() =>
      this.notifications.notifyUsers([resource.uploaderId], { type: decision === 'approve' ? 'resource.approved' : 'resource.rejected', title, body: reason }),
    );
  }

  /** Tells the reviewers: the owner county's coordinators, or the city's when the owner belongs to no county. */
  async awaitingReview(resource: Resource): Promise<void> {
    const n = { type: 'resource.review_requested', title: `资源《${resource.title}》等待审核`, body: '请在资源库中审核后发布。' };
    await this.safely(async () => {
      if (resource.ownerCountyId) {
        await this.notifications.notifyOrganizationRoles([resource.ownerCountyId], ['county_admin'], n);
      } else {
        const city = await this.users.find({ where: { role: 'city_admin', active: true }, select: { id: true } });
        await this.notifications.notifyUsers(city.map((u) => u.id), n);
      }
    });
  }

  private async safely(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.logger.warn({ err }, 'resource notification failed');
    }
  }
}
