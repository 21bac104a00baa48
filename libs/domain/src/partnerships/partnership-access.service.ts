import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { Partnership } from './partnership.entity';
import { PartnershipParty } from './partnership-party.entity';
import { canLogVisit, canManagePartnership, canReadPartnership } from './partnership-rules';
import { PartyView } from './partnerships.dto';

/** A partnership with its parties (organization and person loaded) and the counties of its member schools. */
export interface PartnershipContext {
  partnership: Partnership;
  parties: PartnershipParty[];
  memberCountyIds: (string | null)[];
  memberSchoolIds: string[];
}

export function toPartyView(p: PartnershipParty): PartyView {
  return {
    organizationId: p.organizationId,
    organizationName: p.organization?.name ?? '',
    organizationKind: p.organization?.kind ?? '',
    countyId: p.organization?.countyId ?? null,
    userId: p.userId,
    userName: p.user?.name ?? null,
  };
}

const byName = (a: PartnershipParty, b: PartnershipParty) =>
  (a.organization?.name ?? '').localeCompare(b.organization?.name ?? '', 'zh-CN') || (a.user?.name ?? '').localeCompare(b.user?.name ?? '', 'zh-CN');

/** Loads partnerships with what the access rules need, and applies those rules (partnership-rules.ts). */
@Injectable()
export class PartnershipAccess {
  constructor(
    @InjectRepository(Partnership) private readonly partnerships: Repository<Partnership>,
    @InjectRepository(PartnershipParty) private readonly parties: Repository<PartnershipParty>,
  ) {}

  async load(id: string): Promise<PartnershipContext> {
    const partnership = await this.partnerships.findOne({ where: { id } });
    if (!partnership) throw new DomainException('PARTNERSHIP_NOT_FOUND');
    const parties = (await this.partiesOf([id])).get(id) ?? [];
    const members = parties.filter((p) => p.side === 'member');
    return {
      partnership,
      parties,
      memberCountyIds: [...new Set(members.map((p) => p.organization?.countyId ?? null))],
      memberSchoolIds: [...new Set(members.map((p) => p.organizationId))],
    };
  }

  /** Parties of several partnerships, mentor side first, each side by name. */
  async partiesOf(ids: string[]): Promise<Map<string, PartnershipParty[]>> {
    const out = new Map<string, PartnershipParty[]>();
    if (!ids.length) return out;
    const rows = await this.parties.find({ where: { partnershipId: In(ids) }, relations: { organization: true, user: true } });
    rows.sort((a, b) => (a.side === b.side ? byName(a, b) : a.side === 'mentor' ? -1 : 1));
    for (const row of rows) {
      const list = out.get(row.partnershipId) ?? [];
      list.push(row);
      out.set(row.partnershipId, list);
    }
    return out;
  }

  /** 404 for an unknown id; 403 OUT_OF_SCOPE for a partnership the principal is not part of. */
  async readable(principal: Principal, id: string): Promise<PartnershipContext> {
    const ctx = await this.load(id);
    if (!canReadPartnership(principal, ctx.parties, ctx.memberCountyIds)) throw new DomainException('OUT_OF_SCOPE');
    return ctx;
  }

  /** The city, or the coordinator of a member school's county. */
  async manageable(principal: Principal, id: string): Promise<PartnershipContext> {
    if (principal.role !== 'city_admin' && principal.role !== 'county_admin') throw new DomainException('ACCESS_DENIED');
    const ctx = await this.load(id);
    if (!canManagePartnership(principal, ctx.memberCountyIds)) throw new DomainException('OUT_OF_SCOPE');
    return ctx;
  }

  /** Managers, and the partnership's mentors. */
  async visitLoggable(principal: Principal, id: string): Promise<PartnershipContext> {
    const ctx = await this.load(id);
    if (!canLogVisit(principal, ctx.parties, ctx.memberCountyIds)) {
      throw new DomainException(canReadPartnership(principal, ctx.parties, ctx.memberCountyIds) ? 'ACCESS_DENIED' : 'OUT_OF_SCOPE');
    }
    return ctx;
  }

  /** Refuses changes to a concluded partnership. */
  assertNotConcluded(ctx: PartnershipContext): void {
    if (ctx.partnership.status === 'concluded') throw new DomainException('PARTNERSHIP_CONCLUDED');
  }
}
