import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal, ScopeGrants } from '@app/platform';
import { PartnershipParty } from './partnership-party.entity';

/**
 * Mentor scope: a mentor reaches the member schools of the *active* partnerships they are on the mentor side of,
 * through their organization or as the mentor teacher of a teacher pairing. Only the mentor role is widened, so a
 * school admin who happens to lead an education group gains no rights over the member schools' records.
 * Not cached: suspending a partnership must withdraw the access at once.
 */
@Injectable()
export class PartnershipScopeGrants extends ScopeGrants {
  constructor(@InjectRepository(PartnershipParty) private readonly parties: Repository<PartnershipParty>) {
    super();
  }

  async organizationIdsFor(principal: Principal): Promise<string[]> {
    if (principal.role !== 'mentor') return [];
    const rows = await this.parties
      .createQueryBuilder('member')
      .select('DISTINCT member.organizationId', 'organizationId')
      .innerJoin('member.partnership', 'p', 'p.status = :active', { active: 'active' })
      .innerJoin(
        PartnershipParty,
        'mentor',
        'mentor.partnershipId = member.partnershipId AND mentor.side = :mentorSide AND ' +
          '((mentor.userId IS NULL AND mentor.organizationId = :org) OR mentor.userId = :user)',
        { mentorSide: 'mentor', org: principal.organizationId, user: principal.userId },
      )
      .where('member.side = :memberSide', { memberSide: 'member' })
      .getRawMany<{ organizationId: string }>();
    return rows.map((r) => r.organizationId).sort();
  }
}
