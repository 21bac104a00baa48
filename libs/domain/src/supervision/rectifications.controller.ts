import { Body, Controller, Get, HttpCode, Param, Post, Query, Redirect } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { EvidenceUpload, UploadedEvidence } from '../evidence/evidence-upload.decorators';
import type { StoredEvidence } from '../evidence/evidence-upload.interceptor';
import { RectificationEvidenceUploadInterceptor } from './rectification-evidence-upload.interceptor';
import { RectificationsService } from './rectifications.service';
import {
  CreateRectificationDto,
  ListRectificationsQuery,
  RectificationDetailView,
  RectificationIdParam,
  RectificationPage,
  ReviewRectificationDto,
  SubmitEvidenceDto,
} from './supervision.dto';

class RectificationFileParam extends RectificationIdParam {
  @IsString() @MaxLength(36)
  fileId: string;
}

/** Who may see rectification orders at all; the service narrows to the caller's county or school. */
const READERS = ['city_admin', 'county_admin', 'school_admin', 'teacher'] as const;

@ApiTags('supervision')
@Controller(apiPath('rectifications'))
export class RectificationsController {
  constructor(private readonly rectifications: RectificationsService) {}

  /** Orders within your scope, newest first; filter by county, responsible unit, status, source or overdue. */
  @Get()
  @Access(READERS)
  list(@CurrentUser() user: Principal, @Query() query: ListRectificationsQuery): Promise<RectificationPage> {
    return this.rectifications.list(user, query);
  }

  /** A coordinator issues an order by hand (the city to a school or county; a county coordinator to its schools). */
  @Post()
  @Access(['city_admin', 'county_admin'], { in: 'body', key: 'organizationId' })
  create(@CurrentUser() user: Principal, @Body() dto: CreateRectificationDto): Promise<RectificationDetailView> {
    return this.rectifications.create(user, dto);
  }

  /** One order with its history (who did what, when, why), evidence files and your permissions. */
  @Get(':id')
  @Access(READERS)
  get(@CurrentUser() user: Principal, @Param() { id }: RectificationIdParam): Promise<RectificationDetailView> {
    return this.rectifications.get(user, id);
  }

  /**
   * The responsible unit's admin hands in evidence: JSON `{text}` or multipart/form-data with `text` and up to
   * 10 `files` (each at most EVIDENCE_MAX_BYTES, else 413 and nothing kept). Status open -> submitted.
   */
  @Post(':id/evidence')
  @Access(['school_admin', 'county_admin', 'city_admin'])
  @EvidenceUpload(RectificationEvidenceUploadInterceptor)
  submitEvidence(
    @CurrentUser() user: Principal,
    @Param() { id }: RectificationIdParam,
    @Body() dto: SubmitEvidenceDto,
    @UploadedEvidence() files: StoredEvidence[],
  ): Promise<RectificationDetailView> {
    return this.rectifications.submitEvidence(user, id, dto, files);
  }

  /** The city, or the coordinator of the school's county: approve (closed) or reject with a reason (open again). */
  @Post(':id/review')
  @HttpCode(200)
  @Access(['city_admin', 'county_admin'])
  review(@CurrentUser() user: Principal, @Param() { id }: RectificationIdParam, @Body() dto: ReviewRectificationDto): Promise<RectificationDetailView> {
    return this.rectifications.review(user, id, dto);
  }

  /** Redirects (302) to a short-lived download URL of an evidence file, for whoever may read the order. */
  @Get(':id/files/:fileId/download')
  @Access(READERS)
  @Redirect(undefined, 302)
  @ApiFoundResponse({ description: 'Location: a presigned URL valid for a few minutes' })
  async download(@CurrentUser() user: Principal, @Param() { id, fileId }: RectificationFileParam): Promise<{ url: string; statusCode: number }> {
    return { url: await this.rectifications.downloadUrl(user, id, fileId), statusCode: 302 };
  }
}
