import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import {
  CreatePartnershipDto,
  ListPartnershipsQuery,
  PartnershipDetailView,
  PartnershipIdParam,
  PartnershipPage,
  TransitionDto,
  TransitionList,
  UpdatePartnershipDto,
} from './partnerships.dto';
import { PartnershipsService } from './partnerships.service';

/** Who may do what is decided per partnership in the service (partnership-rules.ts); the roles here are the outer bound. */
@ApiTags('partnerships')
@Controller(apiPath('partnerships'))
export class PartnershipsController {
  constructor(private readonly partnerships: PartnershipsService) {}

  /** The partnerships the caller takes part in or supervises; filter by kind, status, county (member school) or school. */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListPartnershipsQuery): Promise<PartnershipPage> {
    return this.partnerships.list(user, query);
  }

  /** City admin only. Starts as `proposed`. */
  @Post()
  @Access(['city_admin'])
  create(@CurrentUser() user: Principal, @Body() dto: CreatePartnershipDto): Promise<PartnershipDetailView> {
    return this.partnerships.create(user, dto);
  }

  /** With status history, current term and obligations, team, fund and commendations. */
  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<PartnershipDetailView> {
    return this.partnerships.get(user, params.id);
  }

  @Patch(':id')
  @Access(['city_admin', 'county_admin'])
  update(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: UpdatePartnershipDto): Promise<PartnershipDetailView> {
    return this.partnerships.update(user, params.id, dto);
  }

  /** proposed → active ⇄ suspended → concluded (active → concluded too); anything else is 409 PARTNERSHIP_TRANSITION_NOT_ALLOWED. */
  @Post(':id/transitions')
  @Access(['city_admin', 'county_admin'])
  transition(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam, @Body() dto: TransitionDto): Promise<PartnershipDetailView> {
    return this.partnerships.transition(user, params.id, dto);
  }

  @Get(':id/transitions')
  @Access('any')
  transitions(@CurrentUser() user: Principal, @Param() params: PartnershipIdParam): Promise<TransitionList> {
    return this.partnerships.listTransitions(user, params.id);
  }
}
