import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Page, Principal } from '@app/platform';
import { contentDisposition } from '@app/storage';
import { MeasuresService } from './measures.service';
import { ProgressService, ProgressUpdateResult } from './progress.service';
import { MeasureImportService } from './import/measure-import.service';
import { EvidenceUpload, UploadedEvidence } from '../evidence/evidence-upload.decorators';
import type { StoredEvidence } from '../evidence/evidence-upload.interceptor';
import { MeasureEvidenceUploadInterceptor } from './evidence-upload.interceptor';
import {
  CreateProgressUpdateDto,
  IdParam,
  ListMeasuresQuery,
  ListUpdatesQuery,
  MeasureDetailView,
  MeasureView,
  ProgressUpdateView,
  ReviewMeasureDto,
  UpdateMeasureDto,
} from './plans.dto';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('plans')
@Controller(apiPath('measures'))
export class MeasuresController {
  constructor(
    private readonly measures: MeasuresService,
    private readonly progress: ProgressService,
    private readonly imports: MeasureImportService,
  ) {}

  /** Measures of active plans within your scope; `overdue=true` lists the overdue ones. */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListMeasuresQuery): Promise<Page<MeasureView>> {
    return this.measures.list(user, query);
  }

  /** The .xlsx template for POST /api/v1/plans/:id/measures/import. */
  @Get('import/template')
  @Access(['city_admin', 'county_admin', 'school_admin'])
  @ApiProduces(XLSX)
  async template(): Promise<StreamableFile> {
    const buffer = await this.imports.template();
    return new StreamableFile(buffer, {
      type: XLSX,
      length: buffer.length,
      disposition: contentDisposition('一校一策措施导入模板.xlsx', 'measures-import-template.xlsx'),
    });
  }

  /** A measure with status, overdue and daysOverdue, its evidence, recent updates and your permissions. */
  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() { id }: IdParam): Promise<MeasureDetailView> {
    return this.measures.get(user, id);
  }

  /** Edit a measure, or set its status to not_started / in_progress / blocked (done only through review). */
  @Patch(':id')
  @Access(['city_admin', 'county_admin', 'school_admin'])
  update(@CurrentUser() user: Principal, @Param() { id }: IdParam, @Body() dto: UpdateMeasureDto): Promise<MeasureView> {
    return this.measures.update(user, id, dto);
  }

  /** The measure's timeline, newest first. */
  @Get(':id/updates')
  @Access('any')
  listUpdates(@CurrentUser() user: Principal, @Param() { id }: IdParam, @Query() query: ListUpdatesQuery): Promise<Page<ProgressUpdateView>> {
    return this.measures.listUpdates(user, id, query);
  }

  /**
   * Post progress (school admin, county, city) or a comment (also a partnership's mentor). JSON `{text}` or
   * multipart/form-data with `text` and up to 10 `files` (each at most EVIDENCE_MAX_BYTES, else 413 and nothing
   * kept). `requestClose=true` asks a county or city coordinator to sign the measure off (needs evidence).
   */
  @Post(':id/updates')
  @Access(['city_admin', 'county_admin', 'school_admin', 'mentor'])
  @EvidenceUpload(MeasureEvidenceUploadInterceptor, {
    kind: { type: 'string', enum: ['progress', 'comment'] },
    status: { type: 'string', enum: ['not_started', 'in_progress', 'blocked'] },
    requestClose: { type: 'boolean' },
  })
  addUpdate(
    @CurrentUser() user: Principal,
    @Param() { id }: IdParam,
    @Body() dto: CreateProgressUpdateDto,
    @UploadedEvidence() files: StoredEvidence[],
  ): Promise<ProgressUpdateResult> {
    return this.progress.addUpdate(user, id, dto, files);
  }

  /** County coordinator of the school's county or the city: approve (done) or reject with a reason (back to in progress). */
  @Post(':id/review')
  @HttpCode(200)
  @Access(['city_admin', 'county_admin'])
  review(@CurrentUser() user: Principal, @Param() { id }: IdParam, @Body() dto: ReviewMeasureDto): Promise<MeasureView> {
    return this.progress.review(user, id, dto);
  }
}
