import { Controller, Get, HttpCode, Post, Query, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { contentDisposition } from '@app/storage';
import { ImportResultView, ImportTemplateQuery } from '../organizations.dto';
import { OrganizationImportService, UploadedSpreadsheet } from './organization-import.service';

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** Registered before OrganizationsController so `import/template` is not taken for `:id/stats`. */
@ApiTags('organizations')
@Controller(apiPath('organizations/import'))
export class OrganizationImportController {
  constructor(private readonly imports: OrganizationImportService) {}

  /** Download the school import template (headers, one example row; the xlsx also explains each column). */
  @Get('template')
  @Access(['city_admin', 'county_admin'])
  @ApiProduces(CONTENT_TYPES.xlsx, CONTENT_TYPES.csv)
  async template(@Query() query: ImportTemplateQuery): Promise<StreamableFile> {
    const buffer = await this.imports.template(query.format);
    const filename = `学校导入模板.${query.format}`;
    return new StreamableFile(buffer, {
      type: CONTENT_TYPES[query.format],
      length: buffer.length,
      disposition: contentDisposition(filename, `organizations-import-template.${query.format}`),
    });
  }

  /**
   * Import schools from an .xlsx or .csv file (field `file`). Every row is checked first; if any row is wrong
   * nothing is imported and the response lists each bad row and column.
   */
  @Post()
  @HttpCode(200)
  @Access(['city_admin', 'county_admin'])
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  import(@CurrentUser() user: Principal, @UploadedFile() file: UploadedSpreadsheet | undefined): Promise<ImportResultView> {
    return this.imports.import(user, file);
  }
}
