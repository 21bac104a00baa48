import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import {
  CreateOrganizationDto,
  ListOrganizationsQuery,
  OrganizationDetailView,
  OrganizationIdParam,
  OrganizationPage,
  OrganizationView,
  PutSchoolYearStatsDto,
  SchoolYearStatsList,
  SchoolYearStatsView,
  StatsYearParam,
  UpdateOrganizationDto,
} from './organizations.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller(apiPath('organizations'))
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  /** The registry (counties, schools, partner bodies); shared information, readable by every signed-in role. */
  @Get()
  @Access('any')
  list(@Query() query: ListOrganizationsQuery): Promise<OrganizationPage> {
    return this.organizations.list(query);
  }

  /** City admin: any kind. County admin: schools of their own county. */
  @Post()
  @Access(['city_admin', 'county_admin'])
  create(@CurrentUser() user: Principal, @Body() dto: CreateOrganizationDto): Promise<OrganizationView> {
    return this.organizations.create(user, dto);
  }

  /** One organization with its latest figures (schools) or its school counts (counties). */
  @Get(':id')
  @Access('any')
  get(@Param() params: OrganizationIdParam): Promise<OrganizationDetailView> {
    return this.organizations.get(params.id);
  }

  /** A school admin may edit their own school's descriptive fields, but not isWeak, designation, kind or countyId. */
  @Patch(':id')
  @Access(['city_admin', 'county_admin', 'school_admin'], { in: 'param', key: 'id' })
  update(@CurrentUser() user: Principal, @Param() params: OrganizationIdParam, @Body() dto: UpdateOrganizationDto): Promise<OrganizationView> {
    return this.organizations.update(user, params.id, dto);
  }

  /** A school's figures per school year, oldest first. */
  @Get(':id/stats')
  @Access('any')
  listStats(@Param() params: OrganizationIdParam): Promise<SchoolYearStatsList> {
    return this.organizations.listStats(params.id);
  }

  /** Create or replace one year's figures of a school. */
  @Put(':id/stats/:year')
  @Access(['city_admin', 'county_admin', 'school_admin'], { in: 'param', key: 'id' })
  putStats(@CurrentUser() user: Principal, @Param() params: StatsYearParam, @Body() dto: PutSchoolYearStatsDto): Promise<SchoolYearStatsView> {
    return this.organizations.putStats(user, params.id, params.year, dto);
  }
}
