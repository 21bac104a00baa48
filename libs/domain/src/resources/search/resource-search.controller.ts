import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { ResourceSearchService } from './resource-search.service';
import { ReconcileSearchIndexDto, ResourceSearchPage, SearchResourcesQuery } from './resource-search.dto';

@ApiTags('resources')
@Controller(apiPath('resources'))
export class ResourceSearchController {
  constructor(private readonly search: ResourceSearchService) {}

  /**
   * Search and browse the library: keywords (`q`), filters, sort, keyset pagination (`limit` <= 50, `cursor`).
   * Only the resources the caller may see are listed (published ones by default).
   */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: SearchResourcesQuery): Promise<ResourceSearchPage> {
    return this.search.search(user, query);
  }
}

@ApiTags('resources')
@Controller(apiPath('search-index'))
export class SearchIndexController {
  constructor(private readonly search: ResourceSearchService) {}

  /** Queues a check of the whole search index against the resources (city coordinators). Answers the job. */
  @Post('reconcile')
  @Access(['city_admin'])
  @HttpCode(202)
  async reconcile(@Body() dto: ReconcileSearchIndexDto): Promise<{ jobId: string }> {
    const job = await this.search.requestReconcile(dto.force ?? false);
    return { jobId: job.id };
  }
}
