import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal, SkipAudit } from '@app/platform';
import { PushesService } from './pushes.service';
import { PUSHER_ROLES, RECIPIENT_ROLES } from './push-rules';
import { CreatePushDto, InboxPage, InboxQuery, OpenPushDto, PushDetailView, PushIdParam, PushInboxView, SentPushesPage, SentPushesQuery } from './pushes.dto';

@ApiTags('pushes')
@Controller(apiPath('pushes'))
@ApiExtraModels(PushDetailView, PushInboxView)
export class PushesController {
  constructor(private readonly pushes: PushesService) {}

  /**
   * Pushes resources (`resourceIds`) or a collection (`collectionId`) to schools: `target` = `schools` with
   * `schoolIds`, `weak_schools`, or `partnership` with `partnershipId`. City and county coordinators within their
   * scope; mentors to the member schools of the partnerships they mentor. The schools' staff are notified.
   */
  @Post()
  @Access(PUSHER_ROLES)
  create(@CurrentUser() user: Principal, @Body() dto: CreatePushDto): Promise<PushDetailView> {
    return this.pushes.create(user, dto);
  }

  /** Pushes sent by my organization (the city: all), newest first, with adoption. */
  @Get()
  @Access(PUSHER_ROLES)
  sent(@CurrentUser() user: Principal, @Query() query: SentPushesQuery): Promise<SentPushesPage> {
    return this.pushes.sent(user, query);
  }

  /** Pushes to my school, newest first, each with my school's receipt. */
  @Get('inbox')
  @Access(RECIPIENT_ROLES)
  inbox(@CurrentUser() user: Principal, @Query() query: InboxQuery): Promise<InboxPage> {
    return this.pushes.inbox(user, query);
  }

  /**
   * A target school's staff opened the push in the inbox, or one of its resources from there (`resourceId`): the
   * school's first open, if it is the first. Returns the push as the inbox shows it. A read receipt, not audited.
   */
  @Post(':id/open')
  @HttpCode(200)
  @SkipAudit()
  @Access(RECIPIENT_ROLES)
  open(@CurrentUser() user: Principal, @Param() params: PushIdParam, @Body() dto: OpenPushDto): Promise<PushInboxView> {
    return this.pushes.open(user, params.id, dto.resourceId);
  }

  /**
   * The pusher's organization and the city: the push with receipts (adoption) per school. A target school's staff:
   * the push with their school's receipt; this opens it for the school (first opened).
   */
  @Get(':id')
  @Access('any')
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(PushDetailView) }, { $ref: getSchemaPath(PushInboxView) }] } })
  get(@CurrentUser() user: Principal, @Param() params: PushIdParam): Promise<PushDetailView | PushInboxView> {
    return this.pushes.get(user, params.id);
  }
}
