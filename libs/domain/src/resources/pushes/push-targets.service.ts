import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { PartnershipParty } from '../../partnerships/partnership-party.entity';
import { PartnershipAccess } from '../../partnerships/partnership-access.service';
import { canManagePartnership, isMentorParty } from '../../partnerships/partnership-rules';
import type { PushTargetKind } from './push.entity';
import { attributionFor, canPushTo, MentorReach } from './push-rules';

export interface TargetRequest {
  target: PushTargetKind;
  schoolIds?: string[];
  partnershipId?: string;
}

export interface ResolvedTarget {
  school: Organization;
  /** The partnership this delivery counts for (see attributionFor). */
  partnershipId: string | null;
}

export interface ResolvedTargets {
  targets: ResolvedTarget[];
  /** The targeted partnership (target = partnership). */
  partnership: { id: string; name: string } | null;
}

/**
 * Turns a push's target choice into the schools it reaches, checking that the pusher may push to each: the city
 * anywhere, a county coordinator inside their county, a mentor to the member schools of the active partnerships
 * they mentor.
 */
@Injectable()
export class PushTargetsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(PartnershipParty) private readonly parties: Repository<PartnershipParty>,
    private readonly partnerships: PartnershipAccess,
  ) {}

  async resolve(principal: Principal, req: TargetRequest): Promise<ResolvedTargets> {
    if (req.target !== 'schools' && req.schoolIds !== undefined) throw new DomainException('PUSH_TARGET_INVALID', '只有“指定学校”方式才能列出学校');
    if (req.target !== 'partnership' && req.partnershipId !== undefined) throw new DomainException('PUSH_TARGET_INVALID', '只有“帮扶关系”方式才能指定帮扶关系');
    const reach = await this.mentorReach(principal);
    switch (req.target) {
      case 'schools':
        return this.listed(principal, req.schoolIds ?? [], reach);
      case 'weak_schools':
        return this.weak(principal, reach);
      case 'partnership':
        return this.partnershipMembers(principal, req.partnershipId ?? '', reach);
    }
  }

  /**
   * For a mentor: member school -> the active partnerships (sorted ids) they mentor that include it, as an
   * organization party of the mentor side or as the mentor teacher of a teacher pairing (as PartnershipScopeGrants).
   */
  async mentorReach(principal: Principal): Promise<MentorReach> {
    const reach = new Map<string, string[]>();
    if (principal.role !== 'mentor') return reach;
    const rows = await this.parties
      .createQueryBuilder('member')
      .select('member.organizationId', 'organizationId')
      .addSelect('member.partnershipId', 'partnershipId')
      .distinct(true)
      .innerJoin('member.partnership', 'p', 'p.status = :active', { active: 'active' })
      .innerJoin(
        PartnershipParty,
        'mentor',
        'mentor.partnershipId = member.partnershipId AND mentor.side = :mentorSide AND ' +
          '((mentor.userId IS NULL AND mentor.organizationId = :org) OR mentor.userId = :user)',
        { mentorSide: 'mentor', org: principal.organizationId, user: principal.userId },
      )
      .where('member.side = :memberSide', { memberSide: 'member' })
      .getRawMany<{ organizationId: string; partnershipId: string }>();
    for (const row of rows) reach.set(row.organizationId, [...(reach.get(row.organizationId) ?? []), row.partnershipId].sort());
    return reach;
  }

  private async listed(principal: Principal, schoolIds: string[], reach: MentorReach): Promise<ResolvedTargets> {
    if (!schoolIds.length) throw new DomainException('PUSH_TARGET_INVALID', '请至少选择一所学校');
    const found = await this.organizations.find({ where: { id: In(schoolIds) } });
    const byId = new Map(found.map((o) => [o.id, o]));
    const invalid = schoolIds.filter((id) => byId.get(id)?.kind !== 'school');
    if (invalid.length) throw new DomainException('PUSH_TARGET_INVALID', '所选单位不存在或不是学校', { schoolIds: invalid });
    const outside = schoolIds.filter((id) => !canPushTo(principal, byId.get(id)!, reach));
    if (outside.length) throw new DomainException('OUT_OF_SCOPE', '所选学校不在您可以推送的范围内', { schoolIds: outside });
    return {
      targets: schoolIds.map((id) => ({ school: byId.get(id)!, partnershipId: attributionFor(principal, 'schools', null, id, reach) })),
      partnership: null,
    };
  }

  /** Every weak school (薄弱学校) the pusher may push to. */
  private async weak(principal: Principal, reach: MentorReach): Promise<ResolvedTargets> {
    const qb = this.organizations.createQueryBuilder('o').where('o.kind = :school AND o.isWeak = :weak', { school: 'school', weak: true });
    if (principal.role === 'county_admin') qb.andWhere('o.countyId = :county', { county: principal.organizationId });
    if (principal.role === 'mentor') {
      if (!reach.size) throw new DomainException('PUSH_NO_TARGETS', '您帮扶的学校中没有薄弱学校');
      qb.andWhere('o.id IN (:...reached)', { reached: [...reach.keys()] });
    }
    const schools = (await qb.orderBy('o.name', 'ASC').getMany()).filter((o) => canPushTo(principal, o, reach));
    if (!schools.length) throw new DomainException('PUSH_NO_TARGETS', '您的范围内没有薄弱学校');
    return { targets: schools.map((school) => ({ school, partnershipId: attributionFor(principal, 'weak_schools', null, school.id, reach) })), partnership: null };
  }

  /**
   * The member schools of an active partnership. The city and the partnership's mentors reach all of them; a county
   * coordinator (of a member school's county) reaches the members in their county.
   */
  private async partnershipMembers(principal: Principal, partnershipId: string, reach: MentorReach): Promise<ResolvedTargets> {
    const ctx = await this.partnerships.load(partnershipId);
    const allowed =
      canManagePartnership(principal, ctx.memberCountyIds) || (principal.role === 'mentor' && isMentorParty(principal, ctx.parties));
    if (!allowed) throw new DomainException('OUT_OF_SCOPE', '您不能向该帮扶关系的受援学校推送');
    if (ctx.partnership.status !== 'active') throw new DomainException('PARTNERSHIP_NOT_ACTIVE');
    const members = ctx.memberSchoolIds.length ? await this.organizations.find({ where: { id: In(ctx.memberSchoolIds) }, order: { name: 'ASC' } }) : [];
    const schools = members.filter((o) => canPushTo(principal, o, reach));
    if (!schools.length) throw new DomainException('PUSH_NO_TARGETS', '该帮扶关系没有您可以推送的受援学校');
    return {
      targets: schools.map((school) => ({ school, partnershipId: ctx.partnership.id })),
      partnership: { id: ctx.partnership.id, name: ctx.partnership.name },
    };
  }
}
