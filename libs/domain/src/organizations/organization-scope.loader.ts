import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal, ScopeGrants, ScopeTarget, ScopeTargetLoader } from '@app/platform';
import { Organization } from './organization.entity';

const TTL_MS = 10_000;
const MAX_ENTRIES = 2_000;

/**
 * The organizations context's implementation of the guard's scope port. It runs on every scoped request, so
 * the primary-key lookup is cached briefly in-process; the service invalidates an entry when it changes an
 * organization's kind or county (other api instances see the change within the TTL).
 */
@Injectable()
export class OrganizationScopeLoader extends ScopeTargetLoader {
  private readonly cache = new Map<string, { target: ScopeTarget | null; expiresAt: number }>();

  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @Optional() private readonly grants?: ScopeGrants,
  ) {
    super();
  }

  async load(organizationId: string): Promise<ScopeTarget | null> {
    const now = Date.now();
    const hit = this.cache.get(organizationId);
    if (hit && hit.expiresAt > now) return hit.target;
    const org = await this.organizations.findOne({ where: { id: organizationId }, select: { id: true, kind: true, countyId: true } });
    const target = org ? { id: org.id, kind: org.kind, countyId: org.countyId } : null;
    // Misses are not cached: an organization created a moment ago must be found at once.
    if (target) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(organizationId, { target, expiresAt: now + TTL_MS });
    }
    return target;
  }

  /** Scope granted by other contexts' relations (e.g. a mentor's mentee schools through partnerships). */
  async extraOrganizationIds(principal: Principal): Promise<string[]> {
    return this.grants ? this.grants.organizationIdsFor(principal) : [];
  }

  invalidate(organizationId: string): void {
    this.cache.delete(organizationId);
  }
}
