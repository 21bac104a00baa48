import { Controller, Get, Param, Redirect } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { EvidenceService } from './evidence.service';
import { IdParam } from './plans.dto';

@ApiTags('plans')
@Controller(apiPath('evidence'))
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** Redirects (302) to a short-lived download URL with the original file name, for whoever may read the plan. */
  @Get(':id/download')
  @Access('any')
  @Redirect(undefined, 302)
  @ApiFoundResponse({ description: 'Location: a presigned URL valid for a few minutes' })
  async download(@CurrentUser() user: Principal, @Param() { id }: IdParam): Promise<{ url: string; statusCode: number }> {
    return { url: await this.evidence.downloadUrl(user, id), statusCode: 302 };
  }
}
