import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { DashboardQuery, DashboardView } from './dashboards.dto';
import { DashboardsService } from './dashboards.service';

@ApiTags('dashboards')
@Controller(apiPath('dashboard'))
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  /**
   * The roll-up of the city, a county or a school: measures by status and share done on time, overdue measures,
   * indicators against targets, partnership health, open rectifications, and the next level down by name.
   * Without parameters: the caller's own scope (city, their county, their school).
   */
  @Get()
  @Access('any')
  @ApiNotFoundResponse({ description: 'ORGANIZATION_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'ORGANIZATION_NOT_A_COUNTY / ORGANIZATION_NOT_A_SCHOOL / DASHBOARD_SCHOOL_OUTSIDE_COUNTY' })
  get(@CurrentUser() user: Principal, @Query() query: DashboardQuery): Promise<DashboardView> {
    return this.dashboards.dashboard(user, query);
  }
}
