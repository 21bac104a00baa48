import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Page, PageQuery, Principal } from '@app/platform';
import {
  CommendationList,
  CommendationView,
  CreateCommendationDto,
  CreateDisbursementDto,
  CreateObligationDto,
  CreateTeamMemberDto,
  CreateTermDto,
  CreateVisitDto,
  DisbursementView,
  FundDetailView,
  ObligationParam,
  ObligationProgressView,
  ObligationsQuery,
  ObligationView,
  PartnershipIdParam,
  TeamList,
  TeamMemberParam,
  TeamMemberView,
  TermList,
  TermView,
  UpdateObligationDto,
  UpdateTeamMemberDto,
  VisitPage,
  VisitView,
} from './partnerships.dto';
import { PartnershipRecordsService } from './partnership-records.service';

const MANAGERS = ['city_admin', 'county_admin'] as const;

/** Sub-resources of a partnership: dispatched team, fund, commendations, terms and obligations, visits. */
@ApiTags('partnerships')
@Controller(apiPath('partnerships'))
export class PartnershipRecordsController {
  constructor(private readonly records: PartnershipRecordsService) {}

  @Get(':id/team')
  @Access('any')
  listTeam(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<TeamList> {
    return this.records.listTeam(user, params.id);
  }

  @Post(':id/team')
  @Access(MANAGERS)
  addTeamMember(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateTeamMemberDto): Promise<TeamMemberView> {
    return this.records.addTeamMember(user, params.id, dto);
  }

  @Patch(':id/team/:memberId')
  @Access(MANAGERS)
  updateTeamMember(@CurrentUser() user: Principal, @Param() params: TeamMemberParam, @Body() dto: UpdateTeamMemberDto): Promise<TeamMemberView> {
    return this.records.updateTeamMember(user, params.id, params.memberId, dto);
  }

  @Delete(':id/team/:memberId')
  @Access(MANAGERS)
  @HttpCode(HttpStatus.NO_CONTENT)
  removeTeamMember(@CurrentUser() user: Principal, @Param() params: TeamMemberParam): Promise<void> {
    return this.records.removeTeamMember(user, params.id, params.memberId);
  }

  /** Budget, disbursed, remaining (yuan) and the disbursements, newest first. */
  @Get(':id/fund')
  @Access('any')
  fund(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<FundDetailView> {
    return this.records.getFund(user, params.id);
  }

  @Get(':id/disbursements')
  @Access('any')
  async listDisbursements(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<{ items: DisbursementView[] }> {
    return { items: (await this.records.getFund(user, params.id)).disbursements };
  }

  /** Never beyond the budget: 409 FUND_BUDGET_EXCEEDED, checked atomically. */
  @Post(':id/disbursements')
  @Access(MANAGERS)
  disburse(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateDisbursementDto): Promise<DisbursementView> {
    return this.records.disburse(user, params.id, dto);
  }

  @Get(':id/commendations')
  @Access('any')
  listCommendations(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<CommendationList> {
    return this.records.listCommendations(user, params.id);
  }

  @Post(':id/commendations')
  @Access(MANAGERS)
  commend(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateCommendationDto): Promise<CommendationView> {
    return this.records.commend(user, params.id, dto);
  }

  @Get(':id/terms')
  @Access('any')
  listTerms(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<TermList> {
    return this.records.listTerms(user, params.id);
  }

  @Post(':id/terms')
  @Access(MANAGERS)
  createTerm(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateTermDto): Promise<TermView> {
    return this.records.createTerm(user, params.id, dto);
  }

  /** A term's obligations with progress counted from records (current term unless termId), plus health. */
  @Get(':id/obligations')
  @Access('any')
  obligations(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Query() query: ObligationsQuery): Promise<ObligationProgressView> {
    return this.records.obligationProgress(user, params.id, query.termId);
  }

  @Post(':id/obligations')
  @Access(MANAGERS)
  addObligation(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateObligationDto): Promise<ObligationView> {
    return this.records.addObligation(user, params.id, dto);
  }

  @Patch(':id/obligations/:obligationId')
  @Access(MANAGERS)
  updateObligation(@CurrentUser() user: Principal, @Param() params: ObligationParam, @Body() dto: UpdateObligationDto): Promise<ObligationView> {
    return this.records.updateObligation(user, params.id, params.obligationId, dto);
  }

  @Delete(':id/obligations/:obligationId')
  @Access(MANAGERS)
  @HttpCode(HttpStatus.NO_CONTENT)
  removeObligation(@CurrentUser() user: Principal, @Param() params: ObligationParam): Promise<void> {
    return this.records.removeObligation(user, params.id, params.obligationId);
  }

  @Get(':id/visits')
  @Access('any')
  listVisits(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Query() query: PageQuery): Promise<VisitPage> {
    return this.records.listVisits(user, params.id, query) as Promise<Page<VisitView>>;
  }

  /** Mentors of the partnership (and its managers) log on-site visits; they count toward `onsite_visit` obligations. */
  @Post(':id/visits')
  @Access(['city_admin', 'county_admin', 'mentor'])
  logVisit(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: CreateVisitDto): Promise<VisitView> {
    return this.records.logVisit(user, params.id, dto);
  }
}
