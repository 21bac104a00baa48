import { Body, Controller, Get, Param, Patch, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Page, Principal } from '@app/platform';
import { UploadedSpreadsheet } from '../organizations/import/organization-import.service';
import { PlansService } from './plans.service';
import { MeasuresService } from './measures.service';
import { MeasureImportService } from './import/measure-import.service';
import {
  CreateMeasureDto,
  CreatePlanDto,
  IdParam,
  ListPlansQuery,
  MeasureImportResultView,
  MeasureView,
  PlanDetailView,
  PlanView,
  UpdatePlanDto,
} from './plans.dto';

const EDITORS = ['city_admin', 'county_admin', 'school_admin'] as const;

/** 一校一策: plans and their measures. Who may do what is decided per school by PlanAccess (item 9). */
@ApiTags('plans')
@Controller(apiPath('plans'))
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly measures: MeasuresService,
    private readonly imports: MeasureImportService,
  ) {}

  /** Plans within your scope (city: all; county: its schools; school: its own; mentor: mentee schools). */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListPlansQuery): Promise<Page<PlanView>> {
    return this.plans.list(user, query);
  }

  /** Create a school's plan for a term; one active plan per school and term (409 PLAN_ACTIVE_EXISTS). */
  @Post()
  @Access(EDITORS)
  create(@CurrentUser() user: Principal, @Body() dto: CreatePlanDto): Promise<PlanView> {
    return this.plans.create(user, dto);
  }

  /** A plan with all its measures (status, overdue) and what you may do with it. */
  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() { id }: IdParam): Promise<PlanDetailView> {
    return this.plans.get(user, id);
  }

  /** Edit title or goals; archive or restore (county or city). */
  @Patch(':id')
  @Access(EDITORS)
  update(@CurrentUser() user: Principal, @Param() { id }: IdParam, @Body() dto: UpdatePlanDto): Promise<PlanView> {
    return this.plans.update(user, id, dto);
  }

  /** Add a measure: lead unit, cooperating units, due date (and optional description, start date, indicators). */
  @Post(':id/measures')
  @Access(EDITORS)
  addMeasure(@CurrentUser() user: Principal, @Param() { id }: IdParam, @Body() dto: CreateMeasureDto): Promise<MeasureView> {
    return this.measures.create(user, id, dto);
  }

  /**
   * Import measures from an .xlsx (or .csv) file, field `file` (template: GET /api/v1/measures/import/template).
   * Every row is checked first; if any row is wrong nothing is imported and each bad row and column is listed.
   */
  @Post(':id/measures/import')
  @Access(EDITORS)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  importMeasures(@CurrentUser() user: Principal, @Param() { id }: IdParam, @UploadedFile() file: UploadedSpreadsheet | undefined): Promise<MeasureImportResultView> {
    return this.imports.import(user, id, file);
  }
}
