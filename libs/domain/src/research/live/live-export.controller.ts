import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { contentDisposition } from '@app/storage';
import { SessionIdParam } from '../sessions/research-sessions.dto';
import type { SessionRecord } from './live-export.builder';
import { LiveExportService } from './live-export.service';

const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('research-sessions')
@Controller(apiPath('research-sessions'))
export class LiveExportController {
  constructor(private readonly exports: LiveExportService) {}

  /** The session record: minutes text, chat log, poll results, evaluation summary and shared resources. */
  @Get(':id/record')
  @Access('any')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'the record as JSON' })
  @ApiNotFoundResponse({ description: 'RESEARCH_SESSION_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'not allowed to read this session' })
  record(@CurrentUser() user: Principal, @Param() params: SessionIdParam): Promise<SessionRecord> {
    return this.exports.record(user, params.id);
  }

  /** The same record as .xlsx: sheets 纪要, 聊天记录, 投票结果, 评课汇总, 共享资源. */
  @Get(':id/record.xlsx')
  @Access('any')
  @Header('Cache-Control', 'no-store')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'the workbook', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'RESEARCH_SESSION_NOT_FOUND' })
  async recordXlsx(@CurrentUser() user: Principal, @Param() params: SessionIdParam): Promise<StreamableFile> {
    const file = await this.exports.workbook(user, params.id);
    return new StreamableFile(file.buffer, { type: XLSX_CONTENT_TYPE, length: file.buffer.length, disposition: contentDisposition(file.filename) });
  }
}
