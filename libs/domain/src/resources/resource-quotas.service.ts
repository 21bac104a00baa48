import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig, DomainException, Principal, formatBytes } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { ResourceQuota } from './resource-quota.entity';
import { QuotaView } from './resources.dto';

/**
 * Storage quota per organization. Usage is the size of the distinct stored objects the organization's versions
 * use (the same file uploaded twice by one school counts once) plus the declared size of its uploads still in
 * flight (a reservation, so parallel uploads cannot overrun the quota together).
 */
@Injectable()
export class ResourceQuotasService {
  constructor(
    @InjectRepository(ResourceQuota) private readonly quotas: Repository<ResourceQuota>,
    @InjectRepository(ResourceVersion) private readonly versions: Repository<ResourceVersion>,
    @InjectRepository(StoredObject) private readonly objects: Repository<StoredObject>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly config: AppConfig,
  ) {}

  async view(organizationId: string): Promise<QuotaView> {
    if (!(await this.organizations.exists({ where: { id: organizationId } }))) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const [quotaBytes, { usedBytes, pendingBytes }] = await Promise.all([this.quotaOf(organizationId), this.usageOf(organizationId)]);
    return { organizationId, quotaBytes, usedBytes, pendingBytes, availableBytes: Math.max(0, quotaBytes - usedBytes) };
  }

  async set(actor: Principal, organizationId: string, quotaBytes: number): Promise<QuotaView> {
    if (!(await this.organizations.exists({ where: { id: organizationId } }))) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const existing = await this.quotas.findOne({ where: { organizationId } });
    const row = existing ?? this.quotas.create({ organizationId });
    Object.assign(row, { quotaBytes, updatedById: actor.userId, updatedAt: new Date() });
    await this.quotas.save(row);
    return this.view(organizationId);
  }

  async quotaOf(organizationId: string): Promise<number> {
    const row = await this.quotas.findOne({ where: { organizationId } });
    return row?.quotaBytes ?? this.config.RESOURCE_QUOTA_BYTES;
  }

  async usageOf(organizationId: string): Promise<{ usedBytes: number; pendingBytes: number }> {
    const stored = await this.objects
      .createQueryBuilder('o')
      .select('COALESCE(SUM(o.size), 0)', 'total')
      .where((qb) => {
        const sub = qb
          .subQuery()
          .select('v.storedObjectId')
          .from(ResourceVersion, 'v')
          .innerJoin(Resource, 'r', 'r.id = v.resourceId')
          .where('r.organizationId = :org')
          .andWhere('v.storedObjectId IS NOT NULL')
          .getQuery();
        return `o.id IN ${sub}`;
      })
      .setParameter('org', organizationId)
      .getRawOne<{ total: string | number }>();
    const pending = await this.versions
      .createQueryBuilder('v')
      .select('COALESCE(SUM(v.size), 0)', 'total')
      .innerJoin(Resource, 'r', 'r.id = v.resourceId')
      .where('r.organizationId = :org', { org: organizationId })
      .andWhere('v.status IN (:...inFlight)', { inFlight: ['uploading', 'processing'] })
      .getRawOne<{ total: string | number }>();
    const pendingBytes = Number(pending?.total ?? 0);
    return { usedBytes: Number(stored?.total ?? 0) + pendingBytes, pendingBytes };
  }

  /** Bytes the organization may still add; throws RESOURCE_QUOTA_EXCEEDED when `size` does not fit. */
  async assertFits(organizationId: string, size: number): Promise<number> {
    const [quota, { usedBytes }] = await Promise.all([this.quotaOf(organizationId), this.usageOf(organizationId)]);
    const available = Math.max(0, quota - usedBytes);
    if (size > available) {
      throw new DomainException('RESOURCE_QUOTA_EXCEEDED', `本单位资源存储配额剩余 ${formatBytes(available)}，不足以存放该文件（${formatBytes(size)}）`, {
        quotaBytes: quota,
        usedBytes,
        availableBytes: available,
        size,
      });
    }
    return available;
  }
}
