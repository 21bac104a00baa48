import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiFoundResponse, ApiOkResponse, ApiPartialContentResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { ResourcesService } from './resources.service';
import { ResourceUploadsService } from './resource-uploads.service';
import { ResourceDownloadsService } from './resource-downloads.service';
import { CreateResourceDto, CreateUploadDto, DownloadQuery, ResourceIdParam, ResourceView, ReviewResourceDto, UpdateResourceDto, UploadView, VersionView } from './resources.dto';

/**
 * One resource of the library: metadata, lifecycle, content (direct and resumable upload) and download. The
 * list and search (`GET /resources`) belong to the search controller.
 */
@ApiTags('resources')
@Controller(apiPath('resources'))
export class ResourcesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly uploads: ResourceUploadsService,
    private readonly downloads: ResourceDownloadsService,
  ) {}

  /** Creates a draft for the caller's own organization; content follows with /content or /uploads. */
  @Post()
  @Access('any')
  create(@CurrentUser() user: Principal, @Body() dto: CreateResourceDto): Promise<ResourceView> {
    return this.resources.create(user, dto);
  }

  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam): Promise<ResourceView> {
    return this.resources.get(user, id);
  }

  @Patch(':id')
  @Access('any')
  update(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam, @Body() dto: UpdateResourceDto): Promise<ResourceView> {
    return this.resources.update(user, id, dto);
  }

  @Delete(':id')
  @Access('any')
  @HttpCode(204)
  async remove(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam): Promise<void> {
    await this.resources.remove(user, id);
  }

  /** approve: published; reject: rejected with the reason. City coordinators, or the owner county's. */
  @Post(':id/review')
  @Access(['city_admin', 'county_admin'])
  @HttpCode(200)
  review(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam, @Body() dto: ReviewResourceDto): Promise<ResourceView> {
    return this.resources.review(user, id, dto);
  }

  /** Version history, newest first (managers also see versions that failed processing). */
  @Get(':id/versions')
  @Access('any')
  versions(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam): Promise<{ items: VersionView[] }> {
    return this.resources.listVersions(user, id);
  }

  /**
   * Direct upload, streamed to storage (multipart/form-data: `file`, optional `sha256`). Answers 202 with the
   * resource in `processing`; over RESOURCE_UPLOAD_MAX_BYTES it answers 413 and nothing is stored.
   */
  @Post(':id/content')
  @Access('any')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, sha256: { type: 'string' } } } })
  @ApiAcceptedResponse({ description: 'stored; processing verifies it' })
  async content(
    @CurrentUser() user: Principal,
    @Param() { id }: ResourceIdParam,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ResourceView> {
    const resource = await this.uploads.uploadDirect(user, id, req, res);
    return this.resources.view(user, resource);
  }

  /** Starts a resumable (multipart) upload; parts go straight to the object store through presigned URLs. */
  @Post(':id/uploads')
  @Access('any')
  initiateUpload(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam, @Body() dto: CreateUploadDto): Promise<UploadView> {
    return this.uploads.initiate(user, id, dto);
  }

  /** 302 to a short-lived presigned URL, or (RESOURCE_DOWNLOAD_MODE=stream) the bytes with Range support. */
  @Get(':id/download')
  @Access('any')
  @ApiFoundResponse({ description: 'Location: a presigned URL valid for a few minutes' })
  @ApiOkResponse({ description: 'stream mode: the file' })
  @ApiPartialContentResponse({ description: 'stream mode with Range' })
  async download(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam, @Query() q: DownloadQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.downloads.download(user, id, q.version, req, res);
  }

  /** Downloads per school (owner and supervisors). */
  @Get(':id/download-counts')
  @Access('any')
  downloadCounts(@CurrentUser() user: Principal, @Param() { id }: ResourceIdParam) {
    return this.downloads.countsBySchool(user, id);
  }
}
