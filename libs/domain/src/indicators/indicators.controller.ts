import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import {
  EnterIndicatorValueDto,
  IndicatorDefinitionPage,
  IndicatorDefinitionView,
  IndicatorKeyParam,
  IndicatorStatusQuery,
  IndicatorStatusReport,
  IndicatorValueView,
  ListIndicatorsQuery,
} from './indicators.dto';
import { IndicatorsService } from './indicators.service';

@ApiTags('indicators')
@Controller(apiPath('indicators'))
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  /** The policy's indicator catalogue (key, names, unit, direction, target, deadline, level). */
  @Get()
  @Access('any')
  list(@Query() query: ListIndicatorsQuery): Promise<IndicatorDefinitionPage> {
    return this.indicators.listDefinitions(query);
  }

  /**
   * Each indicator's value, target, status and trend for a school, a county (with roll-ups of its schools) or
   * the city (with roll-ups of counties and schools); default: the caller's own organization, current school year.
   * Declared before `:key` so `status` is not taken for a key.
   */
  @Get('status')
  @Access('any')
  status(@CurrentUser() user: Principal, @Query() query: IndicatorStatusQuery): Promise<IndicatorStatusReport> {
    return this.indicators.statusForPrincipal(user, query);
  }

  @Get(':key')
  @Access('any')
  get(@Param() params: IndicatorKeyParam): Promise<IndicatorDefinitionView> {
    return this.indicators.getDefinition(params.key);
  }

  /** Enter (or replace) a value with its source. Coordinators within their scope; school admins for their own school. */
  @Post(':key/values')
  @Access(['city_admin', 'county_admin', 'school_admin'], { in: 'body', key: 'organizationId' })
  enterValue(@CurrentUser() user: Principal, @Param() params: IndicatorKeyParam, @Body() dto: EnterIndicatorValueDto): Promise<IndicatorValueView> {
    return this.indicators.enterValue(user, params.key, dto);
  }
}
