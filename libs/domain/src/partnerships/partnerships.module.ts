import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopeGrants } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Partnership } from './partnership.entity';
import { PartnershipParty } from './partnership-party.entity';
import { PartnershipTransition } from './partnership-transition.entity';
import { PartnershipTerm } from './partnership-term.entity';
import { PartnershipObligation } from './partnership-obligation.entity';
import { PartnershipVisit } from './partnership-visit.entity';
import { TeamMember } from './team-member.entity';
import { FundDisbursement } from './fund-disbursement.entity';
import { Commendation } from './commendation.entity';
import { PartnershipAccess } from './partnership-access.service';
import { PartnershipProgressService } from './partnership-progress.service';
import { PartnershipsService } from './partnerships.service';
import { PartnershipRecordsService } from './partnership-records.service';
import { PartnershipScopeGrants } from './partnership-scope.grants';
import { ObligationCounters } from './obligation-counters';
import { PartnershipsController } from './partnerships.controller';
import { PartnershipRecordsController } from './partnership-records.controller';
import { PartnershipsSeedModule } from './partnerships-seed.module';

/**
 * Partnerships (托管帮扶) and their obligations. Global because it provides the platform's `ScopeGrants` port
 * (mentor scope over mentee schools), which the organizations context's scope loader picks up optionally, and
 * `PartnershipsService.healthSummary` for the dashboards.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Partnership,
      PartnershipParty,
      PartnershipTransition,
      PartnershipTerm,
      PartnershipObligation,
      PartnershipVisit,
      TeamMember,
      FundDisbursement,
      Commendation,
      Organization,
      User,
    ]),
    PartnershipsSeedModule,
  ],
  controllers: [PartnershipsController, PartnershipRecordsController],
  providers: [
    PartnershipAccess,
    PartnershipProgressService,
    PartnershipsService,
    PartnershipRecordsService,
    PartnershipScopeGrants,
    ObligationCounters,
    { provide: ScopeGrants, useExisting: PartnershipScopeGrants },
  ],
  exports: [ScopeGrants, PartnershipsService, PartnershipAccess, ObligationCounters, PartnershipsSeedModule],
})
export class PartnershipsModule {}
