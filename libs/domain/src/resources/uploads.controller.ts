import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal, SkipAudit } from '@app/platform';
import { ResourceUploadsService } from './resource-uploads.service';
import { ResourcesService } from './resources.service';
import { CompleteUploadDto, PartParam, ResourceView, UploadIdParam, UploadView } from './resources.dto';

/**
 * Resumable uploads, shaped for S3 multipart clients such as Uppy's AWS S3 plugin: its `listParts` maps to
 * GET /uploads/:uploadId (parts -> {PartNumber, Size, ETag}), `signPart` to POST .../parts/:n ({url}),
 * `completeMultipartUpload` to POST .../complete and `abortMultipartUpload` to DELETE.
 */
@ApiTags('resources')
@Controller(apiPath('uploads'))
export class UploadsController {
  constructor(
    private readonly uploads: ResourceUploadsService,
    private readonly resources: ResourcesService,
  ) {}

  /** The session and the parts already stored: a resuming client sends only the others. */
  @Get(':uploadId')
  @Access('any')
  status(@CurrentUser() user: Principal, @Param() { uploadId }: UploadIdParam): Promise<UploadView> {
    return this.uploads.status(user, uploadId);
  }

  /** A presigned URL to PUT part n to; the response's ETag header is the part's etag. */
  @Post(':uploadId/parts/:n')
  @Access('any')
  @SkipAudit()
  @HttpCode(200)
  part(@CurrentUser() user: Principal, @Param() { uploadId, n }: PartParam) {
    return this.uploads.partUrl(user, uploadId, n);
  }

  /** Joins the parts; processing then verifies the file. */
  @Post(':uploadId/complete')
  @Access('any')
  @HttpCode(202)
  async complete(@CurrentUser() user: Principal, @Param() { uploadId }: UploadIdParam, @Body() dto: CompleteUploadDto): Promise<ResourceView> {
    return this.resources.view(user, await this.uploads.complete(user, uploadId, dto));
  }

  @Delete(':uploadId')
  @Access('any')
  @HttpCode(204)
  async abort(@CurrentUser() user: Principal, @Param() { uploadId }: UploadIdParam): Promise<void> {
    await this.uploads.abort(user, uploadId);
  }
}
