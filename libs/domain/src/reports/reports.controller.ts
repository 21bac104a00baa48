import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { contentDisposition } from '@app/storage';
import { SupervisionReportQuery } from './reports.dto';
import { ReportsService } from './reports.service';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('reports')
@Controller(apiPath('reports'))
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /**
   * The supervision report (督导报告) as .xlsx: sheets 概览, 分县区汇总 / 分学校汇总, 计划, 措施, 指标, 整改, with
   * the same figures as GET /dashboard for the same scope. City admin (any county, or the whole city) and county
   * coordinators (their county).
   */
  @Get('supervision.xlsx')
  @Access(['city_admin', 'county_admin'])
  @Header('Cache-Control', 'no-store')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'the workbook', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'ORGANIZATION_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'ORGANIZATION_NOT_A_COUNTY' })
  async supervision(@CurrentUser() user: Principal, @Query() query: SupervisionReportQuery): Promise<StreamableFile> {
    const file = await this.reports.supervisionReport(user, query);
    return new StreamableFile(file.buffer, {
      type: XLSX_CONTENT_TYPE,
      length: file.buffer.length,
      disposition: contentDisposition(file.filename, file.asciiFilename),
    });
  }
}
